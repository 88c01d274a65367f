from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'model-rules.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_route_groups = resolve('route_groups')
    l_0_in_fence = resolve('in_fence')
    l_0_width = resolve('width')
    l_0_m = l_0_task_groups = l_0_shell_groups = missing
    try:
        t_1 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    try:
        t_2 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_3 = environment.filters['list']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'list' found.")
    try:
        t_4 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_5 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_5(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    try:
        t_6 = environment.filters['rejectattr']
    except KeyError:
        @internalcode
        def t_6(*unused):
            raise TemplateRuntimeError("No filter named 'rejectattr' found.")
    try:
        t_7 = environment.filters['selectattr']
    except KeyError:
        @internalcode
        def t_7(*unused):
            raise TemplateRuntimeError("No filter named 'selectattr' found.")
    try:
        t_8 = environment.filters['upper']
    except KeyError:
        @internalcode
        def t_8(*unused):
            raise TemplateRuntimeError("No filter named 'upper' found.")
    pass
    l_0_m = context.vars['m'] = environment.get_template('_macros.j2', 'model-rules.md.j2')._get_default_module(context)
    context.exported_vars.discard('m')
    l_0_task_groups = t_3(context.eval_ctx, t_6(context, (undefined(name='route_groups') if l_0_route_groups is missing else l_0_route_groups), 'route.is_shell'))
    context.vars['task_groups'] = l_0_task_groups
    context.exported_vars.add('task_groups')
    l_0_shell_groups = t_3(context.eval_ctx, t_7(context, (undefined(name='route_groups') if l_0_route_groups is missing else l_0_route_groups), 'route.is_shell'))
    context.vars['shell_groups'] = l_0_shell_groups
    context.exported_vars.add('shell_groups')
    if (not (undefined(name='in_fence') if l_0_in_fence is missing else l_0_in_fence)):
        pass
        yield '```\n'
    if (undefined(name='task_groups') if l_0_task_groups is missing else l_0_task_groups):
        pass
        l_0_width = environment.call_binop(context, '+', t_5(environment, t_4(context, t_4(context, (undefined(name='task_groups') if l_0_task_groups is missing else l_0_task_groups), attribute='route.task_model'), 'length')), 11)
        context.vars['width'] = l_0_width
        context.exported_vars.add('width')
        for l_1_group in (undefined(name='task_groups') if l_0_task_groups is missing else l_0_task_groups):
            _loop_vars = {}
            pass
            yield str(environment.call(context, environment.getattr(t_1('model: "%s"', environment.getattr(environment.getattr(l_1_group, 'route'), 'task_model')), 'ljust'), (undefined(name='width') if l_0_width is missing else l_0_width), _loop_vars=_loop_vars))
            yield '→ '
            yield str(t_2(context.eval_ctx, t_4(context, environment.getattr(l_1_group, 'gates'), attribute='title'), ', '))
            yield '\n'
            if environment.getattr(l_1_group, 'roles'):
                pass
                yield str(environment.call_binop(context, '*', ' ', environment.call_binop(context, '+', (undefined(name='width') if l_0_width is missing else l_0_width), 2)))
                yield 'for '
                yield str(environment.getattr(l_1_group, 'roles_text'))
                yield '\n'
            def t_9(fiter):
                for l_2_row in fiter:
                    if environment.getattr(l_2_row, 'fallback_steps'):
                        yield l_2_row
            for l_2_row in t_9(environment.getattr(l_1_group, 'gates')):
                _loop_vars = {}
                pass
                yield str(environment.call_binop(context, '*', ' ', environment.call_binop(context, '+', (undefined(name='width') if l_0_width is missing else l_0_width), 2)))
                yield str(environment.getattr(l_2_row, 'title'))
                yield ': '
                yield str(environment.call(context, environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'if_fails'), l_2_row, environment.getattr(l_2_row, 'fallback_steps'), _loop_vars=_loop_vars))
                yield '\n'
            l_2_row = missing
            def t_10(fiter):
                for l_2_row in fiter:
                    if environment.getattr(l_2_row, 'note'):
                        yield l_2_row
            for l_2_row in t_10(environment.getattr(l_1_group, 'gates')):
                _loop_vars = {}
                pass
                yield str(environment.call_binop(context, '*', ' ', environment.call_binop(context, '+', (undefined(name='width') if l_0_width is missing else l_0_width), 2)))
                yield str(environment.getattr(l_2_row, 'title'))
                yield ': '
                yield str(environment.getattr(l_2_row, 'note'))
                yield '\n'
            l_2_row = missing
        l_1_group = missing
    l_1_loop = missing
    for l_1_group, l_1_loop in LoopContext((undefined(name='shell_groups') if l_0_shell_groups is missing else l_0_shell_groups), undefined):
        l_1_tiers = resolve('tiers')
        _loop_vars = {}
        pass
        if ((undefined(name='task_groups') if l_0_task_groups is missing else l_0_task_groups) or (not environment.getattr(l_1_loop, 'first'))):
            pass
            yield '\n'
        yield str(t_8(environment.getattr(environment.getattr(l_1_group, 'route'), 'model')))
        yield ' ('
        yield str(environment.getattr(environment.getattr(l_1_group, 'route'), 'tier'))
        yield ' tier, via '
        yield str(environment.getattr(environment.getattr(l_1_group, 'route'), 'mechanism'))
        yield '; '
        yield str(t_2(context.eval_ctx, environment.getattr(environment.getitem((undefined(name='tiers') if l_1_tiers is missing else l_1_tiers), environment.getattr(environment.getattr(l_1_group, 'route'), 'tier')), 'capabilities'), ', '))
        yield ' only):\n'
        for l_2_row in environment.getattr(l_1_group, 'gates'):
            _loop_vars = {}
            pass
            yield '  - '
            yield str(environment.getattr(l_2_row, 'title'))
            yield str((environment.bounded_concat((' (', environment.getattr(l_2_row, 'roles_text'), ')', )) if environment.getattr(l_2_row, 'roles') else ''))
            yield str((environment.bounded_concat((': ', environment.call(context, environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'if_fails'), l_2_row, environment.getattr(l_2_row, 'fallback_steps'), _loop_vars=_loop_vars), )) if environment.getattr(l_2_row, 'fallback_steps') else ''))
            yield '\n'
            if environment.getattr(l_2_row, 'note'):
                pass
                yield '    '
                yield str(environment.getattr(l_2_row, 'note'))
                yield '\n'
        l_2_row = missing
    l_1_loop = l_1_group = l_1_tiers = missing
    if (not (undefined(name='in_fence') if l_0_in_fence is missing else l_0_in_fence)):
        pass
        yield '```\n'

blocks = {}
debug_info = '1=63&2=65&3=68&4=71&7=74&9=76&10=79&11=82&12=86&13=88&15=92&16=99&18=105&19=112&23=120&24=124&27=127&28=135&29=139&30=143&31=146&35=150'
# Generated from templates/model-rules.md.j2; do not edit.

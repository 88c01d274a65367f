from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'gate-routing.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_routing = resolve('routing')
    l_0_in_fence = resolve('in_fence')
    l_0_width = missing
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
        t_3 = environment.filters['map']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'map' found.")
    try:
        t_4 = environment.filters['max']
    except KeyError:
        @internalcode
        def t_4(*unused):
            raise TemplateRuntimeError("No filter named 'max' found.")
    pass
    l_0_width = t_4(environment, t_3(context, t_3(context, (undefined(name='routing') if l_0_routing is missing else l_0_routing), attribute='title'), 'length'))
    context.vars['width'] = l_0_width
    context.exported_vars.add('width')
    if (not (undefined(name='in_fence') if l_0_in_fence is missing else l_0_in_fence)):
        pass
        yield '```\n'
    for l_1_row in (undefined(name='routing') if l_0_routing is missing else l_0_routing):
        l_1_setting = resolve('setting')
        _loop_vars = {}
        pass
        if environment.getattr(l_1_row, 'config_key'):
            pass
            l_1_setting = t_1('config.llmOps.routing.%s (default: "%s", %s)', environment.getattr(l_1_row, 'config_key'), environment.getattr(l_1_row, 'tier'), environment.getattr(environment.getattr(l_1_row, 'route'), 'model'))
            _loop_vars['setting'] = l_1_setting
        else:
            pass
            l_1_setting = t_1('"%s" (%s)', environment.getattr(l_1_row, 'tier'), environment.getattr(environment.getattr(l_1_row, 'route'), 'model'))
            _loop_vars['setting'] = l_1_setting
        yield str(environment.call(context, environment.getattr(environment.getattr(l_1_row, 'title'), 'ljust'), (undefined(name='width') if l_0_width is missing else l_0_width), _loop_vars=_loop_vars))
        yield ' → '
        yield str((undefined(name='setting') if l_1_setting is missing else l_1_setting))
        yield ' via '
        yield str(environment.getattr(environment.getattr(l_1_row, 'route'), 'mechanism'))
        yield str((environment.bounded_concat(('; fallback: ', t_2(context.eval_ctx, environment.getattr(l_1_row, 'fallback_steps'), ' → '), )) if environment.getattr(l_1_row, 'fallback_steps') else ''))
        yield str((environment.bounded_concat(('; for ', environment.getattr(l_1_row, 'roles_text'), )) if environment.getattr(l_1_row, 'roles') else ''))
        yield '\n'
        if environment.getattr(l_1_row, 'note'):
            pass
            yield str(environment.call_binop(context, '*', ' ', environment.call_binop(context, '+', (undefined(name='width') if l_0_width is missing else l_0_width), 3)))
            yield str(environment.getattr(l_1_row, 'note'))
            yield '\n'
    l_1_row = l_1_setting = missing
    if (not (undefined(name='in_fence') if l_0_in_fence is missing else l_0_in_fence)):
        pass
        yield '```\n'

blocks = {}
debug_info = '1=38&2=41&5=44&6=48&7=50&9=54&11=56&12=64&13=66&16=70'
# Generated from templates/gate-routing.md.j2; do not edit.

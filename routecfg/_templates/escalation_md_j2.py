from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'escalation.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_escalations = resolve('escalations')
    l_0_escalation_model = resolve('escalation_model')
    l_0_escalation = resolve('escalation')
    try:
        t_1 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_2 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_1_loop = missing
    t_3 = 1
    for l_1_rule, l_1_loop in LoopContext((undefined(name='escalations') if l_0_escalations is missing else l_0_escalations), undefined):
        l_1_reroute_step = missing
        _loop_vars = {}
        pass
        if (not environment.getattr(l_1_loop, 'first')):
            pass
            yield '\n'
        yield 'If '
        yield str(environment.getattr(l_1_rule, 'trigger'))
        yield ':\n\n'
        l_2_loop = missing
        for l_2_step, l_2_loop in LoopContext(environment.getattr(l_1_rule, 'increments'), undefined):
            _loop_vars = {}
            pass
            yield str(environment.getattr(l_2_loop, 'index'))
            yield '. '
            yield str(l_2_step)
            yield '\n'
        l_2_loop = l_2_step = missing
        l_1_reroute_step = environment.call_binop(context, '+', t_1(environment.getattr(l_1_rule, 'increments')), 1)
        _loop_vars['reroute_step'] = l_1_reroute_step
        yield str((undefined(name='reroute_step') if l_1_reroute_step is missing else l_1_reroute_step))
        yield ". Re-route that ticket's "
        yield str(environment.getattr(l_1_rule, 'reroute'))
        yield ' to '
        yield str(environment.getattr(environment.getattr(l_1_rule, 'to'), 'model'))
        yield ' via '
        yield str(environment.getattr(environment.getattr(l_1_rule, 'to'), 'markdown'))
        yield '\n'
        if environment.getattr(l_1_rule, 'log'):
            pass
            yield str(environment.call_binop(context, '+', (undefined(name='reroute_step') if l_1_reroute_step is missing else l_1_reroute_step), 1))
            yield '. Log: "'
            yield str(environment.getattr(l_1_rule, 'log'))
            yield '"\n'
        t_3 = 0
    l_1_loop = l_1_rule = l_1_reroute_step = missing
    if t_3:
        pass
        yield 'No escalation rules.\n'
    if ((undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model) or (not t_2(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket')))):
        pass
        yield '\n'
    if (undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model):
        pass
        yield 'Escalation model (`config.llmOps.routing.escalationModel`): `'
        yield str(environment.getattr((undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model), 'tier'))
        yield '` ('
        yield str(environment.getattr((undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model), 'model'))
        yield ', '
        yield str(environment.getattr((undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model), 'markdown'))
        yield ').\n'
    if (not t_2(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket'))):
        pass
        yield 'At most '
        yield str(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket'))
        yield ' escalation'
        yield str(('' if (environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket') == 1) else 's'))
        yield ' per ticket (`config.llmOps.routing.maxEscalationsPerTicket`).\n'

blocks = {}
debug_info = '1=28&2=32&5=36&7=39&8=42&10=47&11=49&12=57&13=59&18=68&21=71&22=74&24=80&25=83'
# Generated from templates/escalation.md.j2; do not edit.

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
        t_1 = environment.tests['none']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No test named 'none' found.")
    pass
    l_1_loop = missing
    t_2 = 1
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
        l_1_reroute_step = (2 if environment.getattr(l_1_rule, 'counter') else 1)
        _loop_vars['reroute_step'] = l_1_reroute_step
        if environment.getattr(l_1_rule, 'counter'):
            pass
            yield '1. Increment `'
            yield str(environment.getattr(l_1_rule, 'counter'))
            yield '`\n'
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
            yield str(((undefined(name='reroute_step') if l_1_reroute_step is missing else l_1_reroute_step) + 1))
            yield '. Log: "'
            yield str(environment.getattr(l_1_rule, 'log'))
            yield '"\n'
        t_2 = 0
    l_1_loop = l_1_rule = l_1_reroute_step = missing
    if t_2:
        pass
        yield 'No escalation rules.\n'
    if ((undefined(name='escalation_model') if l_0_escalation_model is missing else l_0_escalation_model) or (not t_1(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket')))):
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
    if (not t_1(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket'))):
        pass
        yield 'At most '
        yield str(environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket'))
        yield ' escalation'
        yield str(('' if (environment.getattr((undefined(name='escalation') if l_0_escalation is missing else l_0_escalation), 'max_per_ticket') == 1) else 's'))
        yield ' per ticket (`config.llmOps.routing.maxEscalationsPerTicket`).\n'

blocks = {}
debug_info = '1=22&2=26&5=30&7=32&8=34&9=37&11=39&12=47&13=49&18=58&21=61&22=64&24=70&25=73'
# Generated from templates/escalation.md.j2; do not edit.

from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'gate-model.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_gate = resolve('gate')
    l_0_m = l_0_tier_and_model = l_0_setting = l_0_fallback = l_0_roles = l_0_note = missing
    try:
        t_1 = environment.filters['format']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'format' found.")
    pass
    l_0_m = context.vars['m'] = environment.get_template('_macros.j2', 'gate-model.md.j2')._get_default_module(context)
    context.exported_vars.discard('m')
    l_0_tier_and_model = environment.bounded_concat((environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'tier'), '/', environment.getattr(environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'route'), 'model'), ))
    context.vars['tier_and_model'] = l_0_tier_and_model
    context.exported_vars.add('tier_and_model')
    l_0_setting = (t_1('`%s` (%s)', environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'config_key'), (undefined(name='tier_and_model') if l_0_tier_and_model is missing else l_0_tier_and_model)) if environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'config_key') else (undefined(name='tier_and_model') if l_0_tier_and_model is missing else l_0_tier_and_model))
    context.vars['setting'] = l_0_setting
    context.exported_vars.add('setting')
    l_0_fallback = (environment.bounded_concat((' ', environment.call(context, environment.getattr((undefined(name='m') if l_0_m is missing else l_0_m), 'if_fails'), (undefined(name='gate') if l_0_gate is missing else l_0_gate), environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'fallback_steps_markdown')), '.', )) if environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'fallback_steps') else '')
    context.vars['fallback'] = l_0_fallback
    context.exported_vars.add('fallback')
    l_0_roles = (environment.bounded_concat((' For ', environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'roles_text'), '.', )) if environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'roles') else '')
    context.vars['roles'] = l_0_roles
    context.exported_vars.add('roles')
    l_0_note = (environment.bounded_concat((' ', environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'note'), )) if environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'note') else '')
    context.vars['note'] = l_0_note
    context.exported_vars.add('note')
    yield '**Model**: '
    yield str((undefined(name='setting') if l_0_setting is missing else l_0_setting))
    yield ' via '
    yield str(environment.getattr(environment.getattr((undefined(name='gate') if l_0_gate is missing else l_0_gate), 'route'), 'markdown'))
    yield '.'
    yield str((undefined(name='fallback') if l_0_fallback is missing else l_0_fallback))
    yield str((undefined(name='roles') if l_0_roles is missing else l_0_roles))
    yield str((undefined(name='note') if l_0_note is missing else l_0_note))
    yield '\n'

blocks = {}
debug_info = '1=19&2=21&3=24&4=27&5=30&6=33&7=37'
# Generated from templates/gate-model.md.j2; do not edit.

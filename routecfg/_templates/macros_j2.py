from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_macros.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_if_fails = missing
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    pass
    def macro(l_1_row, l_1_steps):
        t_2 = []
        if l_1_row is missing:
            l_1_row = undefined("parameter 'row' was not provided", name='row')
        if l_1_steps is missing:
            l_1_steps = undefined("parameter 'steps' was not provided", name='steps')
        pass
        t_2.extend((
            'If ',
            str(environment.getattr(environment.getattr(l_1_row, 'route'), 'model')),
            ' fails → ',
            str(('fallback to ' if environment.getattr(l_1_row, 'fallbacks') else '')),
            str(t_1(context.eval_ctx, l_1_steps, ' → ')),
        ))
        return concat(t_2)
    context.exported_vars.add('if_fails')
    context.vars['if_fails'] = l_0_if_fails = Macro(environment, macro, 'if_fails', ('row', 'steps'), False, False, False, context.eval_ctx.autoescape)

blocks = {}
debug_info = '2=18&3=27'
# Generated from templates/_macros.j2; do not edit.

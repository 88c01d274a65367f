from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'routing-table.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_routing = resolve('routing')
    try:
        t_1 = environment.filters['cell']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'cell' found.")
    pass
    yield '| Gate | Model | Mechanism |\n|------|-------|-----------|\n'
    for l_1_row in (undefined(name='routing') if l_0_routing is missing else l_0_routing):
        _loop_vars = {}
        pass
        yield '| '
        yield str(t_1(environment.getattr(l_1_row, 'title')))
        yield ' | '
        yield str(t_1(environment.getattr(l_1_row, 'model')))
        yield ' | '
        yield str(t_1(environment.getattr(l_1_row, 'mechanism_markdown')))
        yield ' |\n'
    l_1_row = missing

blocks = {}
debug_info = '3=19&4=23'
# Generated from templates/routing-table.md.j2; do not edit.

from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'prices.md.j2'

def root(context, missing=missing, environment=environment):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_prices = resolve('prices')
    try:
        t_1 = environment.filters['cell']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'cell' found.")
    try:
        t_2 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield '| Tier | Model | Input $/MTok | Output $/MTok | Cache read | Cache write |\n|------|-------|--------------|---------------|------------|-------------|\n'
    for l_1_row in (undefined(name='prices') if l_0_prices is missing else l_0_prices):
        _loop_vars = {}
        pass
        yield '| '
        yield str(t_1(environment.getattr(l_1_row, 'tier')))
        yield ' | '
        yield str(t_1(environment.getattr(l_1_row, 'model')))
        yield ' | '
        yield str(t_2(environment.getattr(l_1_row, 'input')))
        yield ' | '
        yield str(t_2(environment.getattr(l_1_row, 'output')))
        yield ' | '
        yield str(t_2(environment.getattr(l_1_row, 'cache_read')))
        yield ' | '
        yield str(t_2(environment.getattr(l_1_row, 'cache_write')))
        yield ' |\n'
    l_1_row = missing

blocks = {}
debug_info = '3=25&4=29'
# Generated from templates/prices.md.j2; do not edit.

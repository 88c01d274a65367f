"""Several deployments in one model group: what routecfg owns (tests/cases/build/
proxy-second-deployment-kept is the golden case) and the prices it reports."""

from __future__ import annotations

from routecfg.report import format_text
from routecfg.router import proxy_targets
from routecfg.targets import yamledit
from routecfg.validate import validate
from tests.conftest import TESTS

CASE = TESTS / "cases" / "build" / "proxy-second-deployment-kept"


def test_a_group_priced_unlike_its_first_deployment_is_reported() -> None:
    """The second `cheap` entry is not routecfg's and costs less than the tier: reported at its
    model. The second `balanced` one is declared in the spec, which reports it (RC709 there)."""
    spec = validate(CASE / "routecfg.yaml", missing_targets=False).spec
    doc = yamledit.load((CASE / "expected" / "proxy.yaml").read_text(), "proxy.yaml")
    found = proxy_targets.group_prices(doc, spec)
    assert format_text(found).splitlines() == [
        "proxy.yaml:17:7: warning[RC709]: model_list 'cheap': deployment "
        "anthropic/claude-haiku-4-5 is priced at input $1.00/MTok, output $5.00/MTok, the "
        "group's first deployment at input $1.10/MTok, output $5.50/MTok; LiteLLM load-balances "
        "the group, and cost estimates use the tier's price",
        "  hint: give the group's deployments one price, or declare the deployment under the "
        "tier's `deployments` with its price",
    ]


def test_a_group_without_prices_is_said_so() -> None:
    spec = validate(CASE / "routecfg.yaml", missing_targets=False).spec
    text = (
        "model_list:\n"
        "  - model_name: cheap\n"
        "    litellm_params: {model: a, input_cost_per_token: 0.000001}\n"
        "  - model_name: cheap\n"
        "    litellm_params: {model: b}\n"
        "  - model_name: other\n"
        "    litellm_params: {model: c}\n"
        "  - model_name: other\n"
        "    litellm_params: {model: d, input_cost_per_token: 1}\n"
    )
    found = proxy_targets.group_prices(yamledit.load(text, "p.yaml"), spec)
    assert [d.message.split(";")[0] for d in found] == [
        "model_list 'cheap': deployment b is priced without prices, the group's first "
        "deployment at input $1.00/MTok"
    ]

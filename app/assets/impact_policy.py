"""Who sees the impact of sharing and who edits its factors.

- The factor table (`impactFactors`: weights, CO2e and values per category with their
  published sources) is public: the totals are only as credible as their numbers.
- Hub admins edit it (`updateImpactFactor`).
- The hub's totals (`hubImpact`) are public. A member's and an organisation's totals are
  fields of Member and Organisation (`impact`): an organisation's are public (it showcases its
  impact), a member's are for signed-in members of the hub (entries in app/people/policy.py and
  app/organisations/policy.py).
"""

from app.assets.impact_models import ImpactFactor
from app.people.models import Role
from app.policy import ANYONE, HasRole, ModulePolicy, mutation, node, query, value

FACTOR_EDITORS = HasRole(Role.HUB_ADMIN)

POLICY = ModulePolicy(
    types=[
        node(
            "ImpactFactor",
            model=ImpactFactor,
            see=ANYONE,
            public=[
                "id",
                "category",
                "itemWeightKg",
                "co2eKgPerKg",
                "valuePerItemMinor",
                "valuePerHourMinor",
                "currency",
                "loanSharePct",
                "source",
                "updatedAt",
            ],
        ),
        value("ImpactTotals", "hubImpact (public), Member.impact and Organisation.impact"),
        value("ProfileImpact", "Member.impact (signed in) and Organisation.impact (public)"),
        value("MoneyTotal", "part of ImpactTotals"),
    ],
    queries=[query("impactFactors", ANYONE), query("hubImpact", ANYONE)],
    mutations=[mutation("updateImpactFactor", FACTOR_EDITORS)],
)

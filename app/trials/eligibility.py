"""Who may test a trial: one rule, written once as SQL, used by the list of trials a member
qualifies for and by `apply` (which reports the first rule that fails).

Each rule is a boolean over the member row `m` and the trial row `t`; an unset rule holds.
- distance: the member's home within `within_km` of the trial's point (the haversine of
  app/opportunities/geo, as the opportunity search measures from home; app.actor.home_of);
- age: the member's date of birth puts them within [min_age, max_age] today;
- interests: any one of the trial's interests is one of the member's;
- skills: the member has any one of the trial's skills;
- checks: the member holds every listed trust check, verified and not expired.
"""

from app.i18n import _
from app.opportunities import geo

_RULES: dict[str, str] = {
    "distance": (
        "({t}.within_km IS NULL OR (m.home_lat IS NOT NULL AND m.home_lng IS NOT NULL AND "
        + geo.haversine_sql("{t}.lat", "{t}.lng", alias="m", columns=("home_lat", "home_lng"))
        + " <= {t}.within_km))"
    ),
    "age": (
        "(({t}.min_age IS NULL OR (m.date_of_birth IS NOT NULL AND"
        " m.date_of_birth <= current_date - make_interval(years => {t}.min_age)))"
        " AND ({t}.max_age IS NULL OR (m.date_of_birth IS NOT NULL AND"
        " m.date_of_birth > current_date - make_interval(years => {t}.max_age + 1))))"
    ),
    "interests": (
        "(jsonb_array_length({t}.interests) = 0"
        " OR {t}.interests ?| ARRAY(SELECT jsonb_array_elements_text(m.interests)))"
    ),
    "skills": (
        "(jsonb_array_length({t}.skill_ids) = 0 OR EXISTS (SELECT 1 FROM member_skill ms"
        " WHERE ms.hub_id = {t}.hub_id AND ms.member_id = m.id AND ms.skill_id IN"
        " (SELECT value::bigint FROM jsonb_array_elements_text({t}.skill_ids))))"
    ),
    "checks": (
        "NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text({t}.checks) c(kind) WHERE NOT EXISTS"
        " (SELECT 1 FROM trust_check tc WHERE tc.hub_id = {t}.hub_id AND tc.member_id = m.id"
        " AND tc.kind = c.kind AND tc.status = 'verified'"
        " AND (tc.expires_on IS NULL OR tc.expires_on >= current_date)))"
    ),
}

MESSAGES = {
    "distance": _("You live too far from where this trial takes place (or have no home set)."),
    "age": _("This trial is for another age band (or your date of birth is not set)."),
    "interests": _("This trial is for members with other interests."),
    "skills": _("This trial needs a skill you have not listed."),
    "checks": _("This trial needs a trust check you do not hold (verified and in date)."),
}


def rules(trial: str = "t") -> dict[str, str]:
    """Each rule as SQL over the member row `m` and the trial row named `trial`."""
    return {name: sql.replace("{t}", trial) for name, sql in _RULES.items()}


def eligible(trial: str = "t") -> str:
    """Every rule at once."""
    return "(" + " AND ".join(rules(trial).values()) + ")"


# Each rule's answer for one member and one trial (apply says which failed).
EACH = (
    "SELECT "
    + ", ".join(f"{sql} AS {name}" for name, sql in rules().items())
    + " FROM trial t JOIN member m ON m.hub_id = t.hub_id WHERE t.id = $1 AND m.id = $2"
)

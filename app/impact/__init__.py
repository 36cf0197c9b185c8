"""Impact profiles: an organisation's social, environmental and economic impact per month, and
its success stories (moderated). Environmental and shared-value figures come from
app/assets/impact_totals.py (impact_record); hours from the verified hours records."""

"""The GraphQL documents the scenarios send (ours, and PostGraphile's equivalent list)."""

FEED = """query Feed($first: Int!) {
  recommendedOpportunities(first: $first) {
    edges { node { id title startsAt placesLeft organisation { name } skills { name } } }
  }
}"""

LIST = """query List($first: Int!) {
  opportunities(first: $first) {
    edges { node { id title publishedAt organisation { name } } }
  }
}"""

POSTGRAPHILE_LIST = """query List($first: Int!, $hub: BigInt!) {
  allOpportunities(first: $first, condition: {hubId: $hub, status: "published"},
                   orderBy: [PUBLISHED_AT_DESC, ID_DESC]) {
    nodes { id title publishedAt organisationByOrganisationId { name } }
  }
}"""

DETAIL = """query Detail($id: ID!) {
  node(id: $id) {
    ... on Opportunity {
      id title description status placesLeft startsAt viewerCanManage
      category { name } organisation { name } skills { name }
      applications(first: 20) {
        edges { node { id status createdAt applicant { id displayName } } }
      }
    }
  }
  portfolio { totalMinutes servicesDelivered byCategory { name minutes } }
}"""

# Scenario 2's nested detail (issue 15): one opportunity with organisation, category, skills and
# its first 20 applications with applicants, seen by its poster; PostGraphile's equivalent below.
NODE_DETAIL = """query NodeDetail($id: ID!) {
  node(id: $id) {
    ... on Opportunity {
      id title description status startsAt
      category { name } organisation { name } skills { name }
      applications(first: 20) {
        edges { node { id status createdAt applicant { id displayName } } }
      }
    }
  }
}"""

POSTGRAPHILE_NODE_DETAIL = """query NodeDetail($id: BigInt!, $hub: BigInt!) {
  opportunityById(id: $id) {
    id title description status startsAt
    categoryByCategoryId { name } organisationByOrganisationId { name }
    opportunitySkillsByOpportunityId(condition: {hubId: $hub}) { nodes { skillBySkillId { name } } }
    applicationsByOpportunityId(first: 20, condition: {hubId: $hub},
                                orderBy: [CREATED_AT_ASC, ID_ASC]) {
      nodes { id status createdAt memberByApplicantId { id displayName } }
    }
  }
}"""

APPLY = """mutation Apply($input: ApplyToOpportunityInput!) {
  applyToOpportunity(input: $input) { application { id status } errors { code field } }
}"""

PAY = """mutation Pay($input: PayMemberInput!) {
  payMember(input: $input) { transfer { id } errors { code field } }
}"""

CREATE = """mutation Create($input: CreateOpportunityInput!) {
  createOpportunity(input: $input) { opportunity { id publishedAt } errors { code field } }
}"""

FREE_SPACE = """query FreeSpace($first: Int!, $filter: AssetFilter!) {
  assets(first: $first, filter: $filter, sort: NEAREST) {
    edges { node { id title distanceKm areaName openingHours { weekday opens closes } } }
  }
}"""

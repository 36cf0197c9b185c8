"""Assembles the schema from the module roots, with the safety limits of every request."""

from typing import Any

import strawberry
from strawberry import relay
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from app.config import Settings, get_settings
from schema.acting_for import apply as audit_acting_for
from schema.assets.feed_mutations import FeedMutations
from schema.assets.feed_queries import FeedQueries
from schema.assets.giveaway_roots import GiveawayMutations, GiveawayQueries
from schema.assets.impact_mutations import ImpactMutations
from schema.assets.impact_queries import ImpactQueries
from schema.assets.lending_roots import LendingMutations, LendingQueries
from schema.assets.mutations import AssetMutations
from schema.assets.queries import AssetQueries
from schema.audit.queries import AuditQueries
from schema.auth.mutations import AuthMutations
from schema.auth.queries import AuthQueries
from schema.badges.mutations import BadgeMutations
from schema.badges.queries import BadgeQueries
from schema.campaigns.mutations import CampaignMutations
from schema.campaigns.queries import CampaignQueries
from schema.citydata.mutations import CityDataMutations
from schema.citydata.queries import CityDataQueries
from schema.civic.mutations import CivicMutations
from schema.civic.queries import CivicQueries
from schema.cost import QueryCostLimiter
from schema.credits.mutations import CreditsMutations
from schema.credits.offers.mutations import OfferMutations
from schema.credits.offers.queries import OfferQueries
from schema.credits.payments.mutations import PaymentMutations
from schema.credits.payments.queries import PaymentQueries
from schema.credits.queries import CreditsQueries
from schema.error_codes import ErrorCode
from schema.errors import ClassifyErrors, HubSchema
from schema.federation.mutations import FederationMutations
from schema.federation.queries import FederationQueries
from schema.gdpr.mutations import DataRightsMutations
from schema.hubs.mutations import HubMutations
from schema.hubs.queries import HubQueries
from schema.integrations.mutations import IntegrationMutations
from schema.integrations.queries import IntegrationQueries
from schema.matching.mutations import NotificationMutations
from schema.matching.queries import NotificationQueries
from schema.matching.subscriptions import NotificationSubscriptions
from schema.moderation.mutations import ModerationMutations
from schema.moderation.queries import ModerationQueries
from schema.oauth.mutations import OAuthMutations
from schema.oauth.queries import OAuthQueries
from schema.opportunities.mutations import OpportunityMutations
from schema.opportunities.queries import OpportunityQueries
from schema.organisations.mutations import OrganisationMutations
from schema.organisations.queries import OrganisationQueries
from schema.paidjobs.mutations import PaidJobMutations
from schema.paidjobs.queries import PaidJobQueries
from schema.people.mutations import PeopleMutations
from schema.people.queries import PeopleQueries
from schema.policy import enforce
from schema.portfolios.mutations import PortfolioMutations
from schema.portfolios.queries import PortfolioQueries
from schema.scalars import SCALAR_OVERRIDES, RefuseUnstorableText
from schema.scopes import apply as apply_scopes
from schema.stability.queries import VersionQueries
from schema.trials.mutations import TrialMutations
from schema.trials.profile import BusinessProfileQueries
from schema.trials.queries import TrialQueries


@strawberry.type
class NodeQueries:
    node: relay.Node | None = relay.node(description="Any object by its global ID.")


def safety_extensions(settings: Settings) -> list[Any]:
    """Per-request extension factories (never shared instances: strawberry #4369).

    The depth and alias rules are built once: each QueryDepthLimiter or MaxAliasesLimiter
    makes new rule classes, and the validation cache is keyed by them, so rules built per
    request would miss the cache every time.
    """
    limits = tuple(
        QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
        + MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules
    )
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=512),
        lambda: AddValidationRules(list(limits)),
        lambda: ValidationCache(maxsize=512),
        lambda: QueryCostLimiter(
            max_cost=settings.max_query_cost, default_page_size=settings.max_page_size
        ),
        ClassifyErrors,
    ]
    if not settings.introspection:
        extensions.insert(0, DisableIntrospection)
    return extensions


def build_schema() -> strawberry.Schema:
    settings = get_settings()
    query = merge_types(
        "Query",
        (
            NodeQueries,
            VersionQueries,
            AuthQueries,
            HubQueries,
            CityDataQueries,
            PeopleQueries,
            OrganisationQueries,
            OpportunityQueries,
            PortfolioQueries,
            CreditsQueries,
            OfferQueries,
            PaymentQueries,
            NotificationQueries,
            IntegrationQueries,
            OAuthQueries,
            AssetQueries,
            GiveawayQueries,
            FeedQueries,
            ImpactQueries,
            LendingQueries,
            CampaignQueries,
            TrialQueries,
            BusinessProfileQueries,
            PaidJobQueries,
            BadgeQueries,
            AuditQueries,
            ModerationQueries,
            FederationQueries,
            CivicQueries,
        ),
    )
    mutation = merge_types(
        "Mutation",
        (
            AuthMutations,
            HubMutations,
            CityDataMutations,
            PeopleMutations,
            OrganisationMutations,
            OpportunityMutations,
            PortfolioMutations,
            CreditsMutations,
            OfferMutations,
            PaymentMutations,
            NotificationMutations,
            IntegrationMutations,
            OAuthMutations,
            AssetMutations,
            GiveawayMutations,
            FeedMutations,
            ImpactMutations,
            LendingMutations,
            CampaignMutations,
            TrialMutations,
            PaidJobMutations,
            BadgeMutations,
            DataRightsMutations,
            ModerationMutations,
            FederationMutations,
            CivicMutations,
        ),
    )
    schema = HubSchema(
        query=query,
        mutation=mutation,
        subscription=merge_types("Subscription", (NotificationSubscriptions,)),
        types=[ErrorCode],  # declared for SDL readers; no field returns it
        extensions=[*safety_extensions(settings), RefuseUnstorableText],
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(
            relay_max_results=settings.max_page_size,
            disable_field_suggestions=not settings.debug,
        ),
    )
    enforce(schema)
    apply_scopes(schema)
    audit_acting_for(schema)
    return schema

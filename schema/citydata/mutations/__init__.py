"""City data mutations, one per module."""

import strawberry

from schema.citydata.mutations.upload_city_wards import upload_city_wards


@strawberry.type
class CityDataMutations:
    upload_city_wards = strawberry.mutation(resolver=upload_city_wards)

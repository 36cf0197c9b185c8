from enum import StrEnum


class CityDataErrorCode(StrEnum):
    """Why a city data read was refused (extensions.code, with extensions.field)."""

    INVALID = "invalid"  # a resolution out of range, a period upside down or too long
    NOT_FOUND = "not_found"  # an area that is not a cell of the resolution, or not a ward
    FORBIDDEN = "forbidden"


class WardsErrorCode(StrEnum):
    """Why wards were not uploaded (uploadCityWards' payload errors)."""

    INVALID = "invalid"  # not JSON, or too big
    NOT_A_FEATURE_COLLECTION = "not_a_feature_collection"
    BAD_GEOMETRY = "bad_geometry"  # not a Polygon or MultiPolygon, unclosed or short rings
    BAD_COORDINATES = "bad_coordinates"  # not numbers, or outside longitude/latitude range
    MISSING_NAME = "missing_name"
    DUPLICATE_WARD = "duplicate_ward"
    TOO_MANY = "too_many"
    EMPTY_WARD = "empty_ward"  # holds no base cell's centre: too small for the grid
    FORBIDDEN = "forbidden"

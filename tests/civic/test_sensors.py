"""Citizen sensors: registering a device (its key shown once, kept hashed), batches of
readings by key (one statement, idempotent by device and time), bad input refused whole, a
key writing only its own device, the incremental hourly rollup and the map layer with its
small-group suppression; a device's exact place stays private."""

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import h3

from app.civic.sensors import rollup
from app.civic.sensors.models import SensorDevice, SensorHourly, SensorReading
from app.hubs.models import Hub
from app.people.models import Role
from tests.civic.conftest import FAR, NEAR, actor_of, gid
from tests.helpers import count_sql

REGISTER = """mutation($input: RegisterSensorDeviceInput!) { registerSensorDevice(input: $input) {
  device { id name location { lat lng } area { lat lng } organisation { id } }
  deviceKey errors { code field message } } }"""
MINE = "query { mySensorDevices(first: 10) { edges { node { id name location { lat lng } } } } }"
DEVICE = "query($id: ID!) { node(id: $id) { ... on SensorDevice { id name } } }"
LAYER = """query($hours: Int) { environmentLayer(hours: $hours) {
  cell centre { lat lng } devices noiseDb pm25 pm10 temperature humidity } }"""
OTHER_CELL = (53.43, -2.35)  # ~15 km away: another resolution-7 cell, still in the area


async def _register(
    gql: Any, person: Any, place: tuple[float, float] = NEAR, **extra: Any
) -> dict[str, Any]:
    value = {"name": "Kit on the balcony", "location": {"lat": place[0], "lng": place[1]}, **extra}
    return (await gql(REGISTER, {"input": value}, as_=person))["registerSensorDevice"]  # type: ignore[no-any-return]


def _batch(n: int = 60, start: datetime | None = None, **values: Any) -> list[dict[str, Any]]:
    start = start or datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=n)
    reading = {"noise_db": 55.0, "pm25": 8.0, "pm10": 12.0, "temperature": 7.5, "humidity": 80}
    return [
        {"time": (start + timedelta(minutes=i)).isoformat(), **reading, **values} for i in range(n)
    ]


async def _send(http: Any, key: str, readings: Any, **extra: Any) -> Any:
    return await http.post(
        "/sensors/v1/readings", json={"readings": readings, **extra}, headers={"X-Device-Key": key}
    )


async def test_a_device_is_registered_with_a_key_shown_once_and_kept_hashed(
    gql: Any, hub: Any, area: None, alice: Any, bob: Any
) -> None:
    # when
    registered = await _register(gql, alice)
    far = await _register(gql, alice, FAR)
    # then
    assert registered["errors"] == []
    key = registered["deviceKey"]
    device = await SensorDevice.get(hub_id=hub.id)
    assert key.startswith("chd_") and device.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(await SensorDevice.filter(id=device.id).values())
    assert far["errors"][0]["code"] == "OUTSIDE_AREA"
    mine = await gql(MINE, as_=alice)
    assert mine["mySensorDevices"]["edges"][0]["node"]["location"] == {
        "lat": NEAR[0], "lng": NEAR[1]
    }  # fmt: skip
    assert (await gql(MINE, as_=bob))["mySensorDevices"]["edges"] == []
    by_bob = await gql.raw(DEVICE, {"id": registered["device"]["id"]}, as_=bob)
    assert by_bob["data"]["node"] is None


async def test_an_organisations_device(
    gql: Any, hub: Any, area: None, alice: Any, bob: Any
) -> None:
    from app.organisations import service as organisations

    org = await organisations.create_organisation(
        actor=actor_of(alice), name="Clean Air Group", kind="charity", contact_email="a@example.org"
    )
    refused = await _register(gql, bob, organisationId=gid("Organisation", org.id))
    done = await _register(gql, alice, organisationId=gid("Organisation", org.id))
    assert refused["errors"][0]["code"] == "FORBIDDEN"
    assert done["device"]["organisation"] == {"id": gid("Organisation", org.id)}


async def test_a_batch_is_one_statement_and_sending_it_again_adds_nothing(
    http: Any, gql: Any, hub: Any, area: None, alice: Any
) -> None:
    key = (await _register(gql, alice))["deviceKey"]
    readings = _batch(60)
    # when
    with count_sql() as sql:
        first = await _send(http, key, readings)
    again = await _send(http, key, readings)
    # then
    assert first.status_code == 200 and first.json() == {"added": 60, "sent": 60}
    assert again.json() == {"added": 0, "sent": 60}
    inserts = [s for s in sql.statements if "sensor_reading" in s]
    assert len(inserts) == 1, sql.statements
    assert await SensorReading.filter(hub_id=hub.id).count() == 60


async def test_impossible_values_and_future_times_are_refused_whole(
    http: Any, gql: Any, hub: Any, area: None, alice: Any
) -> None:
    key = (await _register(gql, alice))["deviceKey"]
    readings = _batch(5)
    readings[1]["pm25"] = -3
    readings[2]["humidity"] = 140
    readings[3]["noise_db"] = "loud"
    readings[4]["time"] = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    # when
    answer = await _send(http, key, readings)
    naive = await _send(http, key, [{"time": "2026-12-01T10:00:00", "pm25": 3}])
    empty = await _send(http, key, [{"time": datetime.now(UTC).isoformat()}])
    # then
    assert answer.status_code == 400
    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [
        ("impossible_value", "readings[1].pm25"),
        ("impossible_value", "readings[2].humidity"),
        ("impossible_value", "readings[3].noise_db"),
        ("future_time", "readings[4].time"),
    ]
    assert naive.status_code == 400 and empty.status_code == 400
    assert await SensorReading.filter(hub_id=hub.id).count() == 0


async def test_readings_placed_outside_the_hub_are_refused_whole(
    http: Any, gql: Any, hub: Any, area: None, alice: Any
) -> None:
    # given: a batch whose second reading was taken in Seville, 15 km being the hub's radius
    key = (await _register(gql, alice))["deviceKey"]
    readings = _batch(3)
    readings[0].update(lat=53.481, lng=-2.243)  # in Manchester: fine
    readings[1].update(lat=37.389, lng=-5.984)
    # when
    answer = await _send(http, key, readings)
    # then
    assert answer.status_code == 400
    assert [(e["code"], e["field"]) for e in answer.json()["errors"]] == [
        ("outside_area", "readings[1]")
    ]
    assert await SensorReading.filter(hub_id=hub.id).count() == 0


async def test_a_key_writes_only_its_own_device(
    http: Any, gql: Any, hub: Any, area: None, alice: Any, bob: Any
) -> None:
    alices = await _register(gql, alice)
    bobs = await _register(gql, bob)
    # when: Alice's key naming Bob's device, a forged key, no key
    crossed = await _send(http, alices["deviceKey"], _batch(3), device=bobs["device"]["id"])
    forged = await _send(http, "chd_" + "x" * 43, _batch(3))
    none = await _send(http, "", _batch(3))
    own = await _send(http, alices["deviceKey"], _batch(3), device=alices["device"]["id"])
    # then
    assert crossed.status_code == 403 and crossed.json()["errors"][0]["code"] == "forbidden"
    assert forged.status_code == 401 and forged.json()["errors"][0]["code"] == "bad_key"
    assert none.status_code == 401
    assert own.json()["added"] == 3
    bob_device = await SensorDevice.get(owner_id=bob.member.id)
    assert await SensorReading.filter(device_id=bob_device.id).count() == 0
    assert await SensorReading.filter(hub_id=hub.id).count() == 3


async def test_the_rollup_adds_only_new_readings_and_agrees_with_a_full_recompute(
    http: Any, gql: Any, hub: Any, area: None, alice: Any, bob: Any
) -> None:
    # given
    a = (await _register(gql, alice))["deviceKey"]
    b = (await _register(gql, bob))["deviceKey"]
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    await _send(http, a, _batch(30, start=hour, noise_db=50.0))
    await _send(http, b, _batch(30, start=hour, noise_db=60.0))
    first = await rollup.rollup(lag=timedelta(0))
    # when: more readings in a later hour, and a late one for the first hour
    await _send(http, a, _batch(10, start=hour + timedelta(hours=1), noise_db=70.0))
    await _send(http, b, [{"time": (hour + timedelta(minutes=45)).isoformat(), "noise_db": 40.0}])
    second = await rollup.rollup(lag=timedelta(0))
    third = await rollup.rollup(lag=timedelta(0))
    # then
    assert first is not None and second is not None and third is not None
    assert second.readings_to > first.readings_to and third.readings_to == second.readings_to
    assert third.rows == 0
    rows = {(r.hour, r.cell7): r for r in await SensorHourly.filter(hub_id=hub.id).order_by("hour")}
    cell = h3.latlng_to_cell(*NEAR, 7)
    early, late = rows[(hour, cell)], rows[(hour + timedelta(hours=1), cell)]
    assert (early.n_noise, early.sum_noise, early.devices, early.owners) == (61, 3340.0, 2, 2)
    assert (late.n_noise, late.sum_noise, late.devices) == (10, 700.0, 1)
    full = await SensorReading.filter(hub_id=hub.id).count()
    assert sum(r.n_noise for r in rows.values()) == full


async def test_the_map_layer_shows_cells_of_k_owners_or_more_and_no_device_place(
    http: Any, gql: Any, hub: Any, area: None, make_person: Any
) -> None:
    # given: k = 5; five owners in one cell, one owner in another
    await Hub.filter(id=hub.id).update(privacy_k=5)
    owners = [await make_person() for _ in range(6)]
    for i, person in enumerate(owners[:5]):
        key = (await _register(gql, person, (NEAR[0] + i * 0.0005, NEAR[1])))["deviceKey"]
        await _send(http, key, _batch(6, pm25=float(10 + i)))
    lonely = (await _register(gql, owners[5], OTHER_CELL))["deviceKey"]
    await _send(http, lonely, _batch(6, pm25=99.0))
    await rollup.rollup(lag=timedelta(0))
    # when
    with count_sql() as sql:
        answer = await gql(LAYER, {"hours": 24}, headers={"CH-Hub": hub.slug})
    # then
    [cell] = answer["environmentLayer"]
    assert cell["cell"] == h3.latlng_to_cell(*NEAR, 7) and cell["devices"] == 5
    assert cell["pm25"] == 12.0 and cell["noiseDb"] == 55.0
    assert (cell["centre"]["lat"], cell["centre"]["lng"]) != NEAR
    assert len([s for s in sql.statements if "sensor_hourly" in s]) == 1
    bad = await gql.raw(LAYER, {"hours": 0}, headers={"CH-Hub": hub.slug})
    assert bad["errors"]


async def test_the_rollup_cron_is_registered(gql: Any) -> None:
    from workers.main import build_periodic_settings

    names = {job.name for job in build_periodic_settings(burst=True)["cron_jobs"]}
    assert any("roll_up_sensor_readings" in name for name in names), names
    assert Role.COUNCIL


async def test_erasing_an_account_retires_its_sensors_and_forgets_their_place(
    http: Any, gql: Any, hub: Any, area: None, alice: Any
) -> None:
    from app.gdpr import erasure

    key = (await _register(gql, alice))["deviceKey"]
    await _send(http, key, _batch(3))
    # when
    await erasure.erase_account(actor=actor_of(alice), confirm="ERASE")
    # then
    device = await SensorDevice.get(owner_id=alice.member.id)
    assert (device.active, device.lat, device.lng, device.name) == (False, 0, 0, "")
    refused = await _send(http, key, _batch(3, start=datetime.now(UTC) - timedelta(hours=2)))
    assert refused.status_code == 401
    assert await SensorReading.filter(device_id=device.id).count() == 3

"""Express delivery through the courier adapter with tracking updates; window pickup by a clerk."""

import uuid

from tests.notify_svc.conftest import NotifyHarness, completed, submitted
from tests.support.infra import eventually


async def _status(notify: NotifyHarness, app_id: uuid.UUID, wanted: str) -> dict | None:
    response = await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=notify.headers())
    return response.json() if response.status_code == 200 and response.json()["status"] == wanted else None


async def test_express_is_shipped_on_completion_and_tracked_to_the_door(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(submitted(app_id))
    await eventually(lambda: _status(notify, app_id, "pending"))
    address = {"recipient": "张三", "phone": "13800138000", "detail": "广州市天河区天河路1号"}
    url = f"/v1/applications/{app_id}/delivery"
    await notify.client.put(url, json={"method": "express", "address": address}, headers=notify.headers())
    await notify.bus.publish_event(completed(app_id, [t1]))
    shipped = await eventually(lambda: _status(notify, app_id, "dispatched"))
    assert shipped["courier"] == "simulated" and shipped["tracking_number"].startswith("SIM")
    assert shipped["pickup_code"] is None
    change = await notify.client.put(url, json={"method": "window"}, headers=notify.headers())
    assert change.status_code == 409

    courier = notify.headers(subject="courier-sim", role="system")
    number = shipped["tracking_number"]
    for status in ("collected", "in_transit", "in_transit", "delivered"):
        response = await notify.client.post(
            "/v1/deliveries/tracking", json={"tracking_number": number, "status": status}, headers=courier
        )
        assert response.status_code == 200
    done = await _status(notify, app_id, "delivered")
    assert done is not None
    assert [t["status"] for t in done["tracking"]] == ["booked", "collected", "in_transit", "delivered"]
    unknown = await notify.client.post(
        "/v1/deliveries/tracking", json={"tracking_number": "NOPE1", "status": "delivered"}, headers=courier
    )
    assert unknown.status_code == 404
    inbox = (await notify.client.get("/v1/notifications", headers=notify.headers())).json()["items"]
    shipped_msg = next(i for i in inbox if i["step"] == "shipped")
    assert number in shipped_msg["body"]


async def test_window_pickup_needs_the_right_code_and_a_clerk(notify: NotifyHarness) -> None:
    app_id, t1 = uuid.uuid4(), uuid.uuid4()
    await notify.bus.publish_event(completed(app_id, [t1]))
    ready = await eventually(lambda: _status(notify, app_id, "ready"))
    url = f"/v1/applications/{app_id}/delivery/pickup"
    clerk = notify.headers(subject="clerk-01", role="clerk")
    clerk_view = (await notify.client.get(f"/v1/applications/{app_id}/delivery", headers=clerk)).json()
    assert clerk_view["pickup_code"] is None  # the clerk checks the code, never reads it
    wrong = "000000" if ready["pickup_code"] != "000000" else "111111"
    assert (await notify.client.post(url, json={"pickup_code": wrong}, headers=clerk)).status_code == 422
    citizen = await notify.client.post(url, json={"pickup_code": ready["pickup_code"]}, headers=notify.headers())
    assert citizen.status_code == 403
    handed = await notify.client.post(url, json={"pickup_code": ready["pickup_code"]}, headers=clerk)
    assert handed.status_code == 200 and handed.json()["status"] == "delivered"
    again = await notify.client.post(url, json={"pickup_code": ready["pickup_code"]}, headers=clerk)
    assert again.status_code == 409

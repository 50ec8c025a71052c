"""notify-svc down (nothing listens at its URL): the draft is created all the same, the fields a
licence would have filled are left to the applicant and the material must be uploaded."""

from tests.intake_svc.conftest import Intake


async def test_notify_down_leaves_licence_fields_empty_and_never_fails_the_draft(intake: Intake) -> None:
    assert intake.settings.prefill_licences and intake.settings.notify_url == "http://127.0.0.1:9"
    draft = await intake.draft({"bundle_code": "B01", "answers": {"first_issue": False}})
    assert "child" not in draft["form_data"] and "father" not in draft["form_data"]
    assert not any(s["source"].startswith("licence:") for s in draft["prefill_sources"].values())
    birth_cert = next(m for m in draft["materials"] if m["code"] == "BIRTH_MED_CERT")
    assert birth_cert["status"] == "missing" and birth_cert["licence"] is None
    # The other sources still fill theirs.
    assert draft["form_data"]["applicant"]["id_number"] == "11010519491231002X"

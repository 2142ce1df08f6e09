"""The public open-data catalogue: published systems and their costs, no login."""

from __future__ import annotations

import csv
import io
import json

from daicho.registry.models import InformationSystem


def _publish(world):
    InformationSystem.objects.filter(pk=world.system_a.pk).update(open_data=True)


def test_the_public_page_lists_only_publishing_organisations_without_login(client, world):
    assert "岡山県" not in client.get("/opendata/").content.decode()
    _publish(world)
    html = client.get("/opendata/").content.decode()
    assert "岡山県" in html and "330001" in html


def test_the_systems_csv_follows_the_standard_dataset_conventions(client, world):
    _publish(world)
    response = client.get("/opendata/330001/information_systems.csv")
    assert response.status_code == 200
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert rows[1][:4] == ["330001", "S0001", "岡山県", "税務システム"]
    assert "公共施設予約システム" not in raw.decode("utf-8-sig")  # not published
    costs = list(
        csv.reader(
            io.StringIO(
                client.get("/opendata/330001/information_system_costs.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert [
        "330001",
        "S0001",
        "岡山県",
        "税務システム",
        "2014",
        "予算",
        "運用等経費",
        "10500000",
    ] in costs


def test_nothing_is_served_for_an_organisation_that_publishes_nothing(client, world):
    assert client.get("/opendata/330001/information_systems.csv").status_code == 404


def test_the_catalogue_names_licence_and_columns(client, world):
    _publish(world)
    data = client.get("/opendata/330001/catalog.json").json()
    assert data["license"] == "CC BY 4.0"
    first = data["datasets"][0]
    assert first["columns"][:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert first["distribution"]["url"].endswith("/opendata/330001/information_systems.csv")


def test_export_opendata_writes_the_folder(world, tmp_path):
    from django.core.management import call_command

    _publish(world)
    call_command("export", "opendata", "-o", str(tmp_path))
    folder = tmp_path / "330001"
    assert (folder / "information_systems.csv").exists()
    catalogue = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    assert catalogue["publisher"] == "岡山県"

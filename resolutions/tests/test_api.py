"""GET /api/resolutions/<symbol>: the machine-readable view of a resolution."""
import pytest

from resolutions.services import ingest_resolution
from resolutions.tests.conftest import DATA

pytestmark = pytest.mark.django_db


def ingest(name: str):
    return ingest_resolution(source=(DATA / name).read_bytes(), filename=name).resolution


def test_resolution_json_lists_metadata_and_paragraphs_with_permalinks(client):
    ingest("A_HRC_RES_45_32.txt")
    response = client.get("/api/resolutions/A/HRC/RES/45/32")
    assert response.status_code == 200
    data = response.json()
    assert data["symbol"] == "A/HRC/RES/45/32"
    assert (data["language"], data["body"], data["session"]) == ("zh", "HRC", "45")
    assert data["title"] == "加强人权领域的技术合作和能力建设"
    assert data["adopted_on"] == "2020-10-07"
    assert data["url"] == "http://testserver/A/HRC/RES/45/32/zh/"
    assert [p["eid"] for p in data["paragraphs"]][:2] == ["pp1", "pp2"]
    assert len(data["paragraphs"]) == 29
    op11 = next(p for p in data["paragraphs"] if p["eid"] == "op11")
    assert op11["kind"] == "operative" and op11["number"] == 11
    assert op11["url"] == "http://testserver/A/HRC/RES/45/32/zh/op11"
    assert op11["footnotes"] == [{"number": 1, "text": "另见 A/HRC/44/37。"}]
    assert op11["text"].endswith("保护囚犯权利的必要性；")
    op12 = next(p for p in data["paragraphs"] if p["eid"] == "op12")
    assert {"symbol": "A/HRC/RES/18/18", "paragraphs": [3, 4]} in [
        {"symbol": r["symbol"], "paragraphs": r["paragraphs"]} for r in op12["references"]
    ]


def test_language_parameter_and_unknown_symbols(client):
    ingest("A_RES_67_161.txt")
    assert client.get("/api/resolutions/A/RES/67/161?lang=en").status_code == 404
    assert client.get("/api/resolutions/A/RES/67/161?lang=zh").json()["language"] == "zh"
    assert client.get("/api/resolutions/A/RES/67/161?lang=xx").status_code == 400
    missing = client.get("/api/resolutions/A/RES/99/999")
    assert missing.status_code == 404
    assert missing.json()["error"] == "no resolution 'A/RES/99/999' in the archive"

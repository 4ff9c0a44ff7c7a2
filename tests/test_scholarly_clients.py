"""The dblp and Crossref/doi.org clients against our own stand-ins (tests/scholarly_stub.py):
the services' JSON quirks, their failures, and the one redirect doi.org is allowed."""

from __future__ import annotations

import pytest

from reading_list.config import Settings, load_settings
from reading_list.errors import SourceUnavailable
from reading_list.sources.crossref import CrossrefClient
from reading_list.sources.dblp import DblpClient
from tests.scholarly_stub import CrossrefStandIn, DblpStandIn

FAULTS = ["503", "429-html", "html", "truncated", "empty"]


def settings() -> Settings:
    return load_settings()


# ---- dblp -------------------------------------------------------------------------------------


def test_dblp_title_search_reads_hits_and_marks_corr_copies(dblp: DblpStandIn) -> None:
    records = DblpClient(settings()).search_title("Prototypical Networks for Few-shot Learning")
    by_key = {r.key: r for r in records}
    venue = by_key["conf/nips/SnellSZ17"]
    assert venue.title == "Prototypical Networks for Few-shot Learning"
    assert venue.authors == ["Jake Snell", "Kevin Swersky", "Richard S. Zemel"]
    assert (venue.entry_type, venue.venue, venue.year) == ("inproceedings", "NIPS", 2017)
    assert venue.fields["pages"] == "4077-4087" and not venue.preprint
    corr = by_key["journals/corr/SnellSZ17"]
    assert corr.preprint and corr.identity("arxiv") == "1703.05175"
    assert "conf/nips/LaenenB21" in by_key


def test_dblp_json_quirks(dblp: DblpStandIn) -> None:
    client = DblpClient(settings())
    (single,) = client.search("key:conf/nips/Ioffe17:").records
    assert single.authors == ["Sergey Ioffe"], "one author comes as an object"
    (numbered,) = client.search("key:conf/nips/0024G20:").records
    assert numbered.authors[0] == "Peng Chen", "homonym numbers are dropped"
    (upper,) = client.search("key:conf/chi/0001CZVWG21:").records
    assert upper.doi == "10.1145/3411764.3445646", "dblp upper-cases DOIs"
    (listed,) = client.search("key:conf/iclr/ZhangBHRV17:").records
    assert listed.fields["url"] == "https://openreview.net/forum?id=Sy8gdB9xx"
    assert listed.identity("openreview") == "Sy8gdB9xx", "ee as a list"
    assert client.search("zzzz nothing matches").records == []
    assert dblp.server.hits["/search/publ/api"] == 5, "no hits is an answer, not a retry"


def test_dblp_record_bibtex_has_the_long_fields(dblp: DblpStandIn) -> None:
    client = DblpClient(settings())
    record = client.record("conf/nips/SnellSZ17", venue="NIPS")
    assert record is not None
    assert record.fields["booktitle"].startswith("Advances in Neural Information Processing")
    assert record.fields["pages"] == "4077-4087" and record.venue == "NIPS"
    menon = client.record("conf/icml/MenonTGLK13")
    assert menon is not None and menon.fields["series"].startswith("JMLR Workshop")
    assert client.record("conf/nips/NoSuchKey17") is None


def test_dblp_finds_a_record_by_its_link(dblp: DblpStandIn) -> None:
    client = DblpClient(settings())
    found = client.find_by_link("https://openreview.net/forum?id=Sy8gdB9xx")
    assert found is not None and found.key == "conf/iclr/ZhangBHRV17"
    pdf = client.find_by_link("https://openreview.net/pdf?id=rJY0-Kcll")
    assert pdf is not None and pdf.key == "conf/iclr/RaviL17"
    mlr = client.find_by_link("http://proceedings.mlr.press/v28/menon13.html")
    assert mlr is not None and mlr.key == "conf/icml/MenonTGLK13"
    neurips = client.find_by_link(
        "https://proceedings.neurips.cc/paper/2017/hash/cb8da6767461f2812ae4290eac7cbc42-Abstract.html"
    )
    assert neurips is not None and neurips.key == "conf/nips/SnellSZ17"
    sent = dblp.server.hits["/search/publ/api"]
    assert client.find_by_link("https://example.org/paper.html") is None
    assert dblp.server.hits["/search/publ/api"] == sent, "a host dblp does not list costs nothing"


@pytest.mark.parametrize("fault", FAULTS)
def test_dblp_faults_are_retried_to_the_same_answer(dblp: DblpStandIn, fault: str) -> None:
    clean = DblpClient(settings()).search("key:conf/nips/SnellSZ17:").records
    dblp.faults.queue = [fault]
    messages: list[str] = []
    client = DblpClient(settings(), on_wait=messages.append)
    assert client.search("key:conf/nips/SnellSZ17:", first=0, hits=31).records == clean
    assert client.requests_sent == 2 and len(messages) == 1
    dblp.faults.queue = [fault]
    record = client.record("conf/nips/SnellSZ17")
    assert record is not None and record.fields["pages"] == "4077-4087"


def test_dblp_that_keeps_sending_bot_pages_is_unavailable(
    dblp: DblpStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READING_LIST_ARXIV_RETRIES", "2")
    dblp.faults.queue = ["html"] * 5
    with pytest.raises(SourceUnavailable, match="dblp unavailable: an HTML page instead of JSON"):
        DblpClient(settings()).search("anything")


# ---- Crossref and doi.org ---------------------------------------------------------------------


def test_crossref_work_is_typed(crossref: CrossrefStandIn) -> None:
    record = CrossrefClient(settings()).work("10.1162/NECO.1997.9.8.1735")
    assert record is not None and record.source == "crossref"
    assert (record.entry_type, record.kind_label) == ("article", "journal article")
    assert record.authors == ["Sepp Hochreiter", "Jürgen Schmidhuber"]
    assert record.year == 1997
    assert record.fields == {
        "journal": "Neural Computation",
        "volume": "9",
        "number": "8",
        "pages": "1735-1780",
        "publisher": "MIT Press - Journals",
        "issn": "0899-7667",
        "doi": "10.1162/neco.1997.9.8.1735",
        "url": "https://doi.org/10.1162/neco.1997.9.8.1735",
    }


def test_crossref_titles_subtitles_markup_and_chapters(crossref: CrossrefStandIn) -> None:
    client = CrossrefClient(settings())
    chi = client.work("10.1145/3411764.3445646")
    assert chi is not None and chi.entry_type == "inproceedings"
    assert chi.title == "Interpretable Program Synthesis: Augment, Understand, and Control"
    assert chi.fields["pages"] == "1-16" and chi.fields["booktitle"].startswith("Proceedings")
    chapter = client.work("10.1007/978-1-137-40325-4_12")
    assert chapter is not None and chapter.title == "Learning to learn"
    assert chapter.entry_type == "incollection" and chapter.fields["isbn"] == "9781137403254"


def test_doi_org_answers_when_crossref_says_not_found(crossref: CrossrefStandIn) -> None:
    crossref.faults.queue = ["empty", "empty"]
    client = CrossrefClient(settings())
    record = client.work("10.1109/5.726791")
    assert record is not None and record.source == "doi.org"
    assert record.fields["journal"] == "Proceedings of the IEEE"
    hosts = [h["Host"].split(":")[0] for h in crossref.server.headers_seen]
    assert hosts == ["127.0.0.1", "127.0.0.1", "localhost", "127.0.0.1"]
    assert crossref.server.paths[-1] == "/v1/works/10.1109%2F5.726791/transform"
    assert crossref.server.headers_seen[-1]["Accept"] == "application/vnd.citationstyles.csl+json"


def test_an_unknown_doi_is_none_after_asking_twice_each(crossref: CrossrefStandIn) -> None:
    client = CrossrefClient(settings())
    assert client.work("10.9999/does-not-exist") is None
    assert client.requests_sent == 4


def test_doi_org_may_only_hand_over_to_crossref(
    crossref: CrossrefStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    crossref.faults.queue = ["empty", "empty"]
    # Crossref configured elsewhere: the stand-in's hop to 127.0.0.1 is now to a stranger.
    monkeypatch.setenv("READING_LIST_CROSSREF_URL", crossref.doi_url)
    with pytest.raises(SourceUnavailable, match="redirects to another host"):
        CrossrefClient(settings()).work("10.1109/5.726791")


def test_the_polite_pool_gets_the_mailto(
    crossref: CrossrefStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READING_LIST_CROSSREF_MAILTO", "me@example.org")
    CrossrefClient(settings()).work("10.1162/neco.1997.9.8.1735")
    assert "mailto=me%40example.org" in crossref.server.paths[-1]
    assert "(mailto:me@example.org)" in crossref.server.headers_seen[-1]["User-Agent"]


def test_crossref_bibliographic_search(crossref: CrossrefStandIn) -> None:
    records = CrossrefClient(settings()).search("Hochreiter Long short-term memory 1997")
    assert records[0].key == "10.1162/neco.1997.9.8.1735"


@pytest.mark.parametrize("fault", ["503", "429-html", "truncated", "html"])
def test_crossref_faults_are_retried_to_the_same_answer(
    crossref: CrossrefStandIn, fault: str
) -> None:
    clean = CrossrefClient(settings()).work("10.1109/5.726791")
    crossref.faults.queue = [fault]
    assert CrossrefClient(settings()).work("10.1109/5.726791") == clean

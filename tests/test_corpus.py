"""Corpus formats, ids, duplicates and versions, and the one-line errors for bad input."""

import json
from pathlib import Path

import pytest

from retrieval.corpus import derived_id, detect_format, load_papers
from retrieval.errors import InputError
from retrieval.versions import MAX_VERSIONS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CRANFIELD = Path(__file__).resolve().parent.parent / "benchmarks" / "cranfield"

PAGE = """new

Get trending papers in your email inbox!

Subscribe

Mar 14

Alpha: A First System

Alpha does one thing. It does it well.

Beta Methods for Things

Beta is a method. We propose beta for things.
"""


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_page_dump_keeps_date_and_source(tmp_path):
    page = write(tmp_path / "page.txt", PAGE)
    papers, _ = load_papers([page])
    assert [p.title for p in papers] == ["Alpha: A First System", "Beta Methods for Things"]
    assert papers[0].abstract == "Alpha does one thing. It does it well."
    assert papers[0].date == "Mar 14"
    assert papers[0].sources[0].path == str(page.resolve())
    assert papers[0].sources[0].line == 9


def test_seed_pages_merge_duplicates_and_link_versions():
    papers, collection = load_papers([SEEDS])
    assert len(papers) == 125
    assert collection.duplicates_merged == 6
    fusechat = [p for p in papers if p.title == "FuseChat: Knowledge Fusion of Chat Models"]
    assert len(fusechat) == 2  # two different abstracts: two versions of one paper
    assert fusechat[0].version_group == fusechat[1].version_group >= 0
    assert fusechat[0].abstract != fusechat[1].abstract
    assert fusechat[0].doc_id != fusechat[1].doc_id
    merged = [p for p in papers if len(p.sources) == 2]
    assert len(merged) == 6
    assert {s.date for s in merged[0].sources} == {"Mar 14", "Mar 11"}


def test_jsonl_records_with_their_own_fields(tmp_path):
    rows = [
        {
            "id": "0704.0001",
            "title": "Calculation of prompt photons",
            "abstract": "  A fully\n differential calculation.  ",
            "authors": "C. Balázs, E. L. Berger",
            "categories": "hep-ph",
            "update_date": "2008-11-13",
            "versions": [{"version": "v1"}],
            "submitter": "Pavel Nadolsky",
        },
        {
            "_id": "b2",
            "title": "Second",
            "text": "Text field instead of abstract.",
            "url": "https://x.org/2",
            "authors": ["Ann", "Bo"],
            "categories": ["cs.CL", "cs.LG"],
            "date": "Jan 2",
        },
        # A null id or date gives way to the other spelling; a numeric id is read as text.
        {"id": None, "_id": "c3", "title": "Third", "text": "T.", "date": None, "update_date": "D"},
        {"id": 44, "title": "Fourth", "abstract": "A."},
        # A year, as a number, is the date.
        {"title": "Fifth", "abstract": "F.", "year": 2021},
    ]
    path = write(tmp_path / "arxiv.jsonl", "\n".join(json.dumps(r) for r in rows) + "\n")
    papers, _ = load_papers([path])
    first, second, third, fourth, fifth = papers
    assert (third.doc_id, third.date, fourth.doc_id) == ("c3", "D", "44")
    assert fifth.date == "2021"
    assert first.doc_id == "0704.0001"
    assert first.abstract == "A fully differential calculation."
    assert first.date == "2008-11-13" and first.categories == "hep-ph"
    assert second.doc_id == "b2" and second.abstract == "Text field instead of abstract."
    assert second.authors == "Ann, Bo" and second.categories == "cs.CL cs.LG"
    assert second.url == "https://x.org/2"


def test_json_array_and_beir_directory(tmp_path):
    array = write(
        tmp_path / "papers.json",
        json.dumps([{"title": "T1", "abstract": "A1."}, {"title": "T2", "abstract": "A2."}]),
    )
    assert [p.title for p in load_papers([array])[0]] == ["T1", "T2"]
    papers, _ = load_papers([CRANFIELD])
    assert len(papers) == 1398  # two Cranfield records have neither title nor text
    assert papers[0].doc_id == "1"


def test_format_is_recognised_from_content(tmp_path):
    assert detect_format(write(tmp_path / "noext", '{"title": "a", "abstract": "b"}\n')) == "jsonl"
    assert detect_format(write(tmp_path / "list.data", "[]")) == "json"
    assert detect_format(write(tmp_path / "page.json.txt", PAGE)) == "page"


def test_derived_ids_are_stable_and_readable():
    assert derived_id("Splitwise: Efficient generative LLM inference") == derived_id(
        "splitwise -- efficient generative LLM inference!"
    )
    assert derived_id("Splitwise: Efficient").startswith("splitwise-efficient-")
    assert derived_id("A") != derived_id("B")


def test_same_id_in_two_files_is_kept_twice_with_a_warning(tmp_path):
    write(
        tmp_path / "a.jsonl", json.dumps({"id": "x1", "title": "One", "abstract": "First."}) + "\n"
    )
    write(
        tmp_path / "b.jsonl",
        json.dumps({"id": "x1", "title": "Other", "abstract": "Second."}) + "\n",
    )
    papers, collection = load_papers([tmp_path])
    assert [p.doc_id for p in papers] == ["x1", "x1~2"]
    assert "already used" in collection.report.warnings[0]


def test_identical_record_in_two_files_is_one_document(tmp_path):
    record = json.dumps({"title": "Same", "abstract": "Same text."}) + "\n"
    write(tmp_path / "a.jsonl", record)
    write(tmp_path / "b.jsonl", record)
    papers, collection = load_papers([tmp_path])
    assert len(papers) == 1 and len(papers[0].sources) == 2
    assert collection.duplicates_merged == 1


def test_globs_and_directories_skip_what_is_not_a_corpus(tmp_path):
    write(tmp_path / "a.jsonl", json.dumps({"title": "A", "abstract": "a."}) + "\n")
    write(tmp_path / "notes.txt", "just some notes, no listing here\n")
    write(tmp_path / "image.png", b"\x89PNG\x00\x00\x00binary")
    papers, collection = load_papers([tmp_path])
    assert len(papers) == 1
    assert len(collection.report.skipped_files) == 2
    assert len(load_papers([str(tmp_path / "*.jsonl")])[0]) == 1


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.jsonl", "", "empty.jsonl: empty file"),
        ("bin.jsonl", b"\x00\x01\x02garbage", "bin.jsonl: binary file"),
        (
            "bad.jsonl",
            '{"title": "a", "abstract": "b"}\n{"title": oops}\n',
            "bad.jsonl:2: invalid JSON",
        ),
        ("notitle.jsonl", '{"abstract": "b"}\n', "notitle.jsonl:1: missing field 'title'"),
        ("noabs.jsonl", '{"title": "t"}\n', "noabs.jsonl:1: missing field 'abstract'"),
        ("wrongtype.jsonl", '{"title": 5, "abstract": "b"}\n', "wrongtype.jsonl:1: field 'title'"),
        ("notobject.jsonl", "{}\n[1, 2]\n", "notobject.jsonl:1: missing field 'title'"),
        (
            "arr.json",
            '[{"title": "a", "abstract": "b"},\n {"title": "c"}]',
            "arr.json:2: missing field 'abstract'",
        ),
        (
            "dangling.txt",
            PAGE + "\nGamma: Left Alone\n",
            "dangling.txt:17: title 'Gamma: Left Alone' has no abstract",
        ),
        ("nodate.txt", "Title\n\nAbstract text here.\n", "nodate.txt: not a papers-listing page"),
        (
            "newline-id.jsonl",
            '{"id": "x\\ny", "title": "t", "abstract": "b"}\n',
            "newline-id.jsonl:1: field 'id': must be a non-empty single-line string",
        ),
        # The field is named as the record writes it, not as the product calls it.
        ("text.jsonl", '{"_id": "a", "title": "t", "text": 5}\n', "text.jsonl:1: field 'text'"),
        (
            "tab-id.jsonl",
            '{"_id": "a\\tb", "title": "t", "text": "b"}\n',
            "tab-id.jsonl:1: field '_id': must be a non-empty single-line string",
        ),
        (
            "list-id.jsonl",
            '{"_id": [1], "title": "t", "text": "b"}\n',
            "list-id.jsonl:1: field '_id'",
        ),
    ],
)
def test_bad_input_is_one_line_naming_file_line_and_field(tmp_path, name, content, expected):
    path = write(tmp_path / name, content)
    with pytest.raises(InputError) as err:
        load_papers([path])
    message = err.value.one_line()
    assert "\n" not in message
    assert expected in message


def test_missing_path_and_empty_directory(tmp_path):
    with pytest.raises(InputError, match="no such file or directory"):
        load_papers([tmp_path / "missing"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: no usable corpus files"):
        load_papers([tmp_path / "empty"])
    with pytest.raises(InputError, match="no files match"):
        load_papers([str(tmp_path / "*.jsonl")])


def test_invalid_utf8_is_replaced_and_reported(tmp_path):
    path = write(
        tmp_path / "latin.jsonl", '{"title": "Caf\xe9", "abstract": "ok"}\n'.encode("latin-1")
    )
    papers, collection = load_papers([path])
    assert papers[0].title == "Caf\ufffd"
    assert "latin.jsonl:1: invalid UTF-8" in collection.report.warnings[0]


def test_control_characters_never_reach_the_documents(tmp_path):
    path = write(
        tmp_path / "esc.jsonl",
        json.dumps({"title": "Red \u001b[31mtitle", "abstract": "A\u0007b\u0000c."}) + "\n",
    )
    paper = load_papers([path])[0][0]
    assert (
        "\x1b" not in paper.title and "\x07" not in paper.abstract and "\x00" not in paper.abstract
    )


def test_records_without_titles_are_separate_papers(tmp_path):
    """An empty title says nothing about which paper a record is: never a version key."""
    corpus = tmp_path / "corpus.jsonl"
    records = [
        {"_id": "101", "title": "", "text": "Telephone counseling raised screening rates a lot."},
        {"_id": "102", "title": "", "text": "Statins did not reduce atrial fibrillation."},
        {"title": "  ", "abstract": "A record with neither id nor title."},
        {"title": "", "abstract": "Another record with neither id nor title."},
    ]
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    papers, _ = load_papers([corpus])
    assert [p.version_group for p in papers] == [-1, -1, -1, -1]
    ids = [p.doc_id for p in papers]
    assert ids[:2] == ["101", "102"] and len(set(ids)) == 4
    assert ids[2].startswith("a-record-with-neither-id-nor-title-")


def test_an_untitled_paper_is_shown_by_its_opening_words(tmp_path):
    """Its opening words, past punctuation left over from a heading the record cut off."""
    from retrieval.engine import Engine

    corpus = tmp_path / "corpus.jsonl"
    text = ": Telephone counseling raised screening rates in women aged fifty and over, a lot more."
    corpus.write_text(json.dumps({"_id": "1", "title": "", "text": text}) + "\n", encoding="utf-8")
    engine = Engine.open([corpus], tmp_path / "index")
    assert engine.papers.title(0) == ""
    assert engine.papers.heading(0) == (
        "(untitled) Telephone counseling raised screening rates in women aged fifty and over, a…"
    )


@pytest.mark.parametrize("size", [1, 7, 64, 1 << 20])
def test_json_lines_spans_hold_every_line_once_with_its_number(tmp_path, size):
    from retrieval.corpus import LoadReport, json_lines_spans, numbered_lines, read_span

    lines = [b'{"a": 1}', b"", b"   ", b'{"b": "' + b"x" * 150 + b'"}\r', b'{"c": 3}']
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines))  # no final line end
    report = LoadReport()
    spans = list(json_lines_spans(path, report, size))
    got = [pair for span in spans for pair in numbered_lines(span, read_span(path, span))]
    assert got == [(1, b'{"a": 1}'), (4, lines[3]), (5, b'{"c": 3}')]
    assert b"".join(read_span(path, span) for span in spans) == path.read_bytes()
    assert [s.start for s in spans[1:]] == [s.stop for s in spans[:-1]]
    assert spans[-1].stop == report.bytes_read == path.stat().st_size
    assert sum(s.lines for s in spans) == 5


def test_passages_under_one_title_are_separate_papers_and_revisions_are_versions(tmp_path):
    """A shared title makes versions only of abstracts that keep their wording: an article's
    passages, each saying something else, are documents of their own."""
    first = "Sourdough is bread leavened by wild yeast and lactic acid bacteria in a starter."
    records = [
        {"title": "Sourdough", "abstract": first},
        {
            "title": "Sourdough",
            "abstract": "Bakers kept starters alive for centuries, feeding "
            "them flour and water, until baker's yeast arrived in the nineteenth century.",
        },
        {"title": "Sourdough", "abstract": first.replace("in a starter", "kept in a starter")},
        {"title": "Kelp forest", "abstract": "Kelp forests grow in cold, nutrient-rich water."},
    ]
    corpus = write(tmp_path / "passages.jsonl", "\n".join(json.dumps(r) for r in records))
    papers, _ = load_papers([corpus])
    groups = [p.version_group for p in papers]
    assert groups[0] == groups[2] >= 0  # the revised wording: one paper
    assert groups[1] == -1 and groups[3] == -1  # another passage, another title


def test_a_title_shared_by_many_documents_heads_passages_not_versions(tmp_path):
    records = [
        {"title": "Introduction", "abstract": f"Passage {i} says the same few words here."}
        for i in range(MAX_VERSIONS + 1)
    ]
    corpus = write(tmp_path / "many.jsonl", "\n".join(json.dumps(r) for r in records))
    papers, _ = load_papers([corpus])
    assert {p.version_group for p in papers} == {-1}

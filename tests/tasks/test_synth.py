"""The benchmark corpus: deterministic by seed, varied in entities, dates, amounts, lengths and file formats."""

from collections import Counter

from tasks.discover import discover_source_files
from tasks.reference import load_synth_material
from tasks.stages import clean_batch, extract_entities_batch, read_batch
from tasks.synth import synth_article, synth_files
from tests.conftest import SAMPLES

MATERIAL = load_synth_material()


def _write(folder, n, seed):
    for relpath, data in synth_files(MATERIAL, n, seed):
        path = folder / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_same_seed_same_files_and_a_small_corpus_is_the_start_of_a_larger_one():
    first, again, other = (list(synth_files(MATERIAL, 40, seed)) for seed in (5, 5, 6))
    assert first == again and first != other
    larger = list(synth_files(MATERIAL, 400, 5))
    assert first[:-1] == larger[: len(first) - 1]  # only the last .jsonl file may hold fewer records
    assert synth_article(MATERIAL, 5, 17) == synth_article(MATERIAL, 5, 17)


def test_articles_vary_in_format_length_entities_and_never_repeat(tmp_path):
    files = list(synth_files(MATERIAL, 300, 1))
    assert set(Counter(path.rsplit(".", 1)[1] for path, _ in files)) == {"txt", "json", "jsonl", "html"}
    articles = [synth_article(MATERIAL, 1, i) for i in range(300)]
    sizes = [len(a.text.encode("utf-8")) for a in articles]
    assert len({a.text for a in articles}) == 300
    assert min(sizes) >= 900 and max(sizes) <= 6000 and 2500 <= sum(sizes) / len(sizes) <= 3500
    assert len({a.published for a in articles}) > 250 and len({a.published.year for a in articles}) >= 6
    sample_text = "".join(path.read_text(encoding="utf-8") for path in SAMPLES.glob("*.txt"))
    windows = {sample_text[i:i + 40] for i in range(0, len(sample_text) - 40, 10)}
    assert not any(window in article.text for window in windows for article in articles[:50]), "no sample text is copied"


def test_the_pipeline_reads_every_article_with_its_date_and_finds_entities(tmp_path):
    _write(tmp_path, 60, 2)
    raws, rejected, _ = read_batch(discover_source_files(tmp_path), tmp_path, 5_000_000)
    docs, set_aside = clean_batch(raws)
    assert (len(docs), rejected, set_aside) == (60, [], [])
    assert all(doc.published_date is not None and doc.language == "hi" for doc in docs)
    mentions, _ = extract_entities_batch(docs)
    assert mentions["entity_type"].n_unique() == 5 and mentions["entity_id"].n_unique() > 100

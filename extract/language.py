"""The language of an article: what its metadata says, else what a detector reads in its text.

The detector is py3langid (its model ships in the wheel, 4.5 MB packed; it reads an article in well
under a millisecond). It is loaded only when some article's metadata names no language, from a copy
kept unpacked in the user's cache after the first time (docs/languages.md). Measured against
lingua-language-detector in docs/languages.md."""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import re
import tempfile
from functools import cache
from pathlib import Path

import numpy

from .lexicon import load


def language_tag(value) -> str | None:
    """A metadata value as a two-letter code: "es-MX", "es_MX", "ES", "Spanish", "spa" -> "es";
    None for nothing usable (a value that is not a language tag is not guessed at)."""
    if value is None:
        return None
    words = str(value).strip().lower()
    if not words:
        return None
    known = load("languages")
    if words in known["aliases"]:
        return known["aliases"][words]
    match = re.fullmatch(r"([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*", words)
    if match is None:
        return None
    primary = match.group(1)  # a three-letter code only where the data knows it ("spa"), not "yes"
    return primary if len(primary) == 2 else known["aliases"].get(primary)


def language_name(code: str | None) -> str:
    """"es" -> "Spanish", for messages; a code with no name in the data is given as it is."""
    return load("languages")["names"].get(code, code or "unknown")


@cache
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import _to_array

    languages = sorted(load("languages")["names"])  # among these: no Malay for a headline
    model = _restricted_model(MODEL_DIR / MODEL_FILE, languages)
    if model is None:
        identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    else:  # as py3langid's own loader (modelio.load_model) makes them, from arrays already cut
        identifier = LanguageIdentifier(model["ptc"], model["pc"], model["classes"].tolist(), _to_array(model["nextmove"]),
                                        model["out_feat"].tolist(), norm_probs=True, tk_row=_to_array(model["nextmove_row"]))
    identifier.set_languages(languages)
    return identifier


MODEL_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")  # py3langid 0.4's npz


def model_cache_dir() -> Path:
    """Where the detector's model is kept unpacked: CLAIMGRAPH_CACHE, else the user's cache."""
    given = os.environ.get("CLAIMGRAPH_CACHE")
    return Path(given) if given else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claimgraph"


def _restricted_model(packed: Path, languages: list[str]) -> dict | None:
    """The detector's arrays cut to the languages, from an unpacked copy in model_cache_dir, made
    the first time. The wheel's model is LZMA-packed: unpacking it cost 0.55 s of every build's
    reading, the copy loads in 0.05 s. None when the model cannot be read so (py3langid then
    loads it its own way); a copy that cannot be written is only not kept."""
    try:
        # named by what it holds (the packed model's bytes, 10 ms to hash, and the languages), not
        # by where the model is installed: two environments with the same model share one copy
        with open(packed, "rb") as model_file:
            digest = hashlib.file_digest(model_file, "sha256")
        digest.update(",".join(languages).encode())
        copy = model_cache_dir() / f"langid-{digest.hexdigest()[:16]}.npz"
    except (OSError, RuntimeError):  # RuntimeError: no home directory to keep it in
        return None
    try:
        with numpy.load(copy, allow_pickle=False) as kept:
            return {name: kept[name] for name in MODEL_ARRAYS}
    except Exception:  # none yet, or a broken one (BadZipFile, a missing array): made again
        pass
    try:
        with lzma.open(packed) as unpacked, numpy.load(io.BytesIO(unpacked.read()), allow_pickle=False) as full:
            model = {name: full[name] for name in MODEL_ARRAYS}
    except (OSError, ValueError, KeyError, EOFError, lzma.LZMAError):
        return None
    kept_languages = set(languages)
    wanted = [i for i, code in enumerate(model["classes"].tolist()) if code in kept_languages]
    model.update(ptc=numpy.ascontiguousarray(model["ptc"][:, wanted]), pc=model["pc"][wanted], classes=model["classes"][wanted])
    _keep(copy, model)
    return model


def _keep(copy: Path, model: dict) -> None:
    """The unpacked model written whole or not at all (graph.files.atomic_file's way; extract/
    sits below graph/); copies for another model or language list go."""
    temporary = None
    try:
        copy.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=copy.parent, prefix=".langid-", suffix=".npz", delete=False) as temporary:
            numpy.savez(temporary, **model)
        os.replace(temporary.name, copy)
        for stale in copy.parent.glob("langid-*.npz"):
            if stale != copy:
                stale.unlink(missing_ok=True)
    except BaseException as error:  # Ctrl-C too: no 42 MB temporary file left behind
        if temporary is not None:
            Path(temporary.name).unlink(missing_ok=True)
        if not isinstance(error, OSError):
            raise


def detect_language(text: str) -> tuple[str | None, float]:
    """The language the text is written in and the detector's probability for it; the code is
    None when the detector is not sure enough (a few words, or a mix)."""
    settings = load("languages")
    sample = text[: settings["detect_characters"]]
    if not re.search(r"[^\W\d_]{2}", sample):
        return None, 0.0
    code, probability = _identifier().classify(sample)
    probability = float(probability)
    return (code if probability >= settings["min_probability"] else None), probability

"""Names without the parser: the known-alias table, entity keys (entity_key, the one maker) and
slugs, matching keys, invisible characters and scripts, typing of a name by its words, acronyms
defined in a text, the countries of known bodies, and who publishes an article. Nothing here
imports spaCy, so the graph side may use it."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from .lexicon import has_own_lexicon, load, load_jsonl
from .records import Article, Entity

RULER_LABELS = {
    "AGENCY": "Agency", "OPERATION": "Operation", "DOCUMENT": "Document", "CRIMINAL_ORG": "CriminalOrganization",
    "OUTLET": "Outlet", "COUNTRY": "Country", "ORGANIZATION": "Organization", "PERSON_": "Person",
}
LABEL_OF_TYPE = {v: k for k, v in RULER_LABELS.items()}
NER_TYPES = {"ORG", "PERSON", "GPE", "NORP", "FAC", "LAW", "WORK_OF_ART"}


# Characters that show nothing: zero-width spaces and joiners, the soft hyphen, the byte-order mark,
# and the bidirectional controls that reorder what a reader sees (RLO, PDF, isolates, marks).
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Scripts that one writing system mixes by design (Japanese writes kanji, hiragana and katakana together).
SCRIPT_FAMILY = {"CJK": "HAN", "HIRAGANA": "HAN", "KATAKANA": "HAN", "KATAKANA-HIRAGANA": "HAN", "HANGUL": "HAN"}
SLUG_LENGTH = 80


def visible(text: str) -> str:
    """The text without the characters that show nothing."""
    return INVISIBLE.sub("", text)


def _ascii_base(char: str) -> str:
    """'é' -> 'e', 'ﬁ' -> 'fi'; a letter of another script stays itself, so that Cyrillic 'А' is
    never folded into (or dropped next to) Latin 'A'."""
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return decomposed if decomposed.isascii() else char


def scripts(text: str) -> set[str]:
    """The scripts of the letters in text: {'LATIN'}, {'LATIN', 'CYRILLIC'} ..."""
    found = set()
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "UNKNOWN").split()[0]
            found.add(SCRIPT_FAMILY.get(script, script))
    return found


def mixed_script(text: str) -> bool:
    """A name whose letters come from more than one script ('АTF' with a Cyrillic А): a look-alike."""
    return len(scripts(text)) > 1


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """The readable identity of a text, words joined by '_': "Mexico's Attorney General's Office" ->
    'mexico_attorney_general_office', 'U.S. Border Patrol' -> 'us_border_patrol'. Accents fold to
    ASCII; letters of other scripts are kept, so look-alikes from two scripts never meet. Long slugs
    end at a word, never inside one."""
    text = re.sub(r"['’]s\b", "", visible(text)).replace("'", "").replace("’", "")  # possessives are no words
    text = re.sub(r"(?<!\w)(?:\w\.){2,}", lambda m: m.group(0).replace(".", ""), text)  # U.S. -> US
    text = "".join(_ascii_base(c) for c in text).lower()
    text = re.sub(r"[\W_]+", "_", text).strip("_")
    if len(text) > SLUG_LENGTH:
        cut = text.rfind("_", 0, SLUG_LENGTH + 1)
        text = text[:cut] if cut > 0 else text[:SLUG_LENGTH]
    return text or "unnamed"


def entity_key(name: str, *, kind: str | None = None, scope: str | None = None) -> str:
    """The one maker of keys for entities the alias table does not know (the table's own keys are
    its rows'). A key is the slug of the name, so its IRI reads as the name and is the same in any
    build order; kind prefixes a family of entities kept apart from names ('group', 'document');
    scope suffixes what belongs to one article only (its digest). The fuzzy loose_key is for
    matching, never for keys."""
    key = slug(clean_name(name))
    if kind:
        key = f"{kind}_{key}"
    return f"{key}_{scope}" if scope else key


@cache
def _name_words() -> tuple[frozenset[str], re.Pattern]:
    """The joining words of names, and the pattern of a determiner before a name (entity_types.yaml)."""
    lex = load("entity_types")
    determiners = "|".join(re.escape(w) for w in sorted(lex["name_determiners"], key=len, reverse=True))
    return frozenset(lex["name_joining_words"]), re.compile(rf"^(?:{determiners})\s+", re.IGNORECASE)


def joining_words() -> frozenset[str]:
    return _name_words()[0]


@lru_cache(maxsize=1 << 16)  # called for every mention, and names repeat
def clean_name(text: str) -> str:
    """Strip what is not part of a name: invisible characters, determiners, possessives, quotes,
    edge punctuation."""
    text = re.sub(r"\s+", " ", visible(text).replace("\u00a0", " ")).strip()
    text = _name_words()[1].sub("", text)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = re.sub(r"\s*\([^)]*$", "", text)  # an unclosed bracket the NER ran into
    text = re.sub(r"\s*[“\"][^”\"]*$", "", text)  # an unclosed quote: 'Joaquin “El Chapo'
    return text.strip(" \"'“”‘’,.;:()-")


@lru_cache(maxsize=1 << 16)
def name_key(text: str) -> str:
    """Lookup key for a name: case, punctuation, a leading 'U.S.' and a plural 's' on acronyms ignored."""
    text = clean_name(text).lower()
    text = re.sub(r"^(?:u\.s\.|us|united states)\s+", "", text)
    text = re.sub(r"[^\w\s]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def loose_key(text: str) -> str:
    """A forgiving identity for names the table does not know: word stems of five letters, no
    stopwords, so 'Transnational Criminal Investigation Unit' and '... Investigative Units' meet."""
    words = [w for w in name_key(text).split() if w not in joining_words()]
    return " ".join(w[:5] if len(w) > 3 else w for w in words)


@cache
def alias_table() -> dict[str, dict]:
    return load("aliases")["entities"]


@cache
def own_aliases(language: str | None) -> dict[str, dict]:
    """The names a language has of its own for the table's entities (extract/data/es/aliases.yaml:
    "EU" and "Marina" in Spanish only), by the table's keys."""
    return load("aliases", language)["entities"] if language and has_own_lexicon("aliases", language) else {}


@cache
def alias_index(language: str | None = "en") -> dict[str, str]:
    """name_key(alias) -> canonical key, for every label and alias in the table, and the names the
    language has of its own, which win there ("EU" is the United States in a Spanish text)."""
    index: dict[str, str] = {}
    for key, row in alias_table().items():
        for name in [row["label"], *row.get("aliases", [])]:
            index.setdefault(name_key(name), key)
    for key, row in own_aliases(language).items():
        index.update({name_key(name): key for name in row.get("aliases", [])})
    return index


@cache
def loose_alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, row in alias_table().items():
        for name in [row["label"], *row.get("aliases", [])]:
            if len(loose_key(name).split()) > 1:  # single words are too loose to match on
                index.setdefault(loose_key(name), key)
    return index


def known_entity(key: str) -> Entity:
    """An entity of the alias table. Its aliases start empty: an article graph records the names
    that article uses; the table's own aliases go once into the vocabulary graph."""
    row = alias_table()[key]
    return Entity(key=key, label=row["label"], type=row["type"], aliases=set(),
                  wikidata=row.get("wikidata"), part_of=row.get("part_of"))


@cache
def _governments() -> dict[str, str]:
    return {row["governs"]: key for key, row in alias_table().items() if row.get("governs")}


DEMONYM_SHAPE = re.compile(r"[A-Z][a-z]+(?:an|ian|ese|ish|i)")  # Honduran, Colombian, Chinese, British, Israeli


def looks_like_demonym(word: str) -> bool:
    return bool(DEMONYM_SHAPE.fullmatch(word))


def country_key(name: str) -> str:
    """The key of the country a name or demonym names: 'Mexico', 'Mexican' -> 'mexico'; else the
    name's own key ('Guatemala' -> 'guatemala', 'Honduran' -> 'honduran')."""
    key = alias_index().get(name_key(name))
    if key is None:
        key = next((k for k, row in alias_table().items() if name in row.get("demonyms", [])), None)
    return key or entity_key(name)


def country_of(key: str) -> str | None:
    """The country a known body belongs to: its own 'country' or 'governs', else its parent's."""
    table, seen = alias_table(), set()
    while key in table and key not in seen:
        row = table[key]
        if row.get("country") or row.get("governs"):
            return row.get("country") or row.get("governs")
        seen.add(key)
        key = row.get("part_of")
    return None


@cache
def _bodies_by_country() -> dict[str, list[tuple[str, str]]]:
    """country -> (name_key of a label or alias, key) of the known bodies of that country."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key, row in alias_table().items():
        country = country_of(key)
        if country and row["type"] == "Agency":
            found.setdefault(country, []).extend((name_key(n), key) for n in [row["label"], *row.get("aliases", [])])
    return found


def body_of_country(country: str, name: str) -> str | None:
    """The one known body of a country whose label or alias holds name as whole words: Mexico's
    "Attorney General's Office" is the 'Attorney General's Office of Mexico'."""
    wanted = name_key(name)
    keys = {key for known, key in _bodies_by_country().get(country, []) if re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", known)}
    return keys.pop() if len(keys) == 1 else None


def acting_body(entity: Entity) -> Entity:
    """Who acts when a text says a country did: "Mexico says 70% ..." and "Mexico uses eTrace"
    are its government's, one source with "the Mexican government" (aliases.yaml: governs)."""
    key = _governments().get(entity.key) if entity.type == "Country" else None
    return known_entity(key) if key else entity


def ruler_patterns(language: str = "en") -> list[dict]:
    """Entity ruler patterns: the generic token patterns plus one phrase pattern per known alias,
    and the aliases a language has of its own (extract/data/es/aliases.yaml: "EU" in Spanish)."""
    patterns = list(load_jsonl("entity_patterns"))
    table, own = alias_table(), own_aliases(language)
    for key, row in table.items():
        label = LABEL_OF_TYPE.get(row["type"], "ORGANIZATION")
        for name in {row["label"], *row.get("aliases", []), *own.get(key, {}).get("aliases", [])}:
            if len(name) > 1:
                patterns.extend({"label": label, "pattern": spelling, "id": key} for spelling in acronym_spellings(name))
    return patterns


_ACRONYM = re.compile(r"(?:[A-ZÁÉÍÓÚÑ]\.){2,6}|(?:[A-ZÁÉÍÓÚÑ]\.){1,5}[A-ZÁÉÍÓÚÑ]|[A-ZÁÉÍÓÚÑ]{2,5}")


def acronym_spellings(name: str) -> set[str]:
    """A name and, for an acronym, its other common spellings: 'SAT', 'S.A.T.' and 'S.A.T' (the final
    period dropped, as texts often do) are one body; the phrase matcher compares tokens as written."""
    if not _ACRONYM.fullmatch(name):
        return {name}
    letters = name.replace(".", "")
    dotted = ".".join(letters)
    return {name, letters, dotted, dotted + "."}


@cache
def _type_words():
    lex = load("entity_types")
    return lex["types"], {j.lower() for j in lex["junk"]}


def type_of_name(text: str, ner_label: str) -> str | None:
    words, _ = _type_words()
    if ner_label == "PERSON":
        return "Person"
    if ner_label == "GPE":
        # places are context, not actors (countries come from the alias table), unless the name is a
        # body's named after its place, its head word first: "Aduana de Puerto Verde"
        head = text.split()[0].lower() if text.split() else ""
        return "Agency" if head in words["Agency"] else None
    if ner_label not in ("ORG", "FAC", "LAW", "WORK_OF_ART", "NORP"):
        return None
    tokens = set(re.findall(r"[\w.]+", text.lower()))
    for type_name, type_words in words.items():
        if tokens & set(type_words):
            return type_name
    if ner_label in ("LAW", "WORK_OF_ART"):
        return "Document"
    if ner_label == "NORP":
        return None
    return "Organization"


def outlet_by_words(text: str) -> bool:
    """A name whose words are an outlet's (entity_types.yaml: Outlet): 'Breitbart', 'CBS News'."""
    words, _ = _type_words()
    return bool(set(re.findall(r"[\w.]+", text.lower())) & set(words.get("Outlet", [])))


@cache
def _body_names() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The acronyms of the known bodies, and every tail of two words or more of their names."""
    acronyms, tails = set(), set()
    for row in alias_table().values():
        if row["type"] != "Agency":
            continue
        for name in [row["label"], *row.get("aliases", [])]:
            if re.fullmatch(r"[A-Z]{2,6}", name):
                acronyms.add(name.lower())
            words = tuple(name_key(name).split())
            tails.update(words[i:] for i in range(len(words) - 1))
    return frozenset(acronyms), frozenset(tails)


def leading_body_words(words: list[str]) -> int:
    """How many of a run's first words end a known body's name: 2 for 'Field Operations Hector'
    ('Office of Field Operations'), 0 for 'Ana Ruiz'."""
    keys = tuple(name_key(w) for w in words)
    return next((n for n in range(len(keys), 1, -1) if keys[:n] in _body_names()[1]), 0)


def acronym_in_other_case(word: str, text: str) -> bool:
    """'Gao' in a title-case line of a text that writes GAO: a known body's acronym, not a name."""
    return (word.lower() in _body_names()[0] and not word.isupper()
            and re.search(rf"(?<![\w]){re.escape(word.upper())}(?![a-z])", text) is not None)


def is_junk(text: str) -> bool:
    _, junk = _type_words()
    cleaned = clean_name(text)
    if len(cleaned) < 2 or cleaned.lower() in junk or text.strip().lower() in junk:
        return True
    if not re.search(r"[A-Z]", cleaned):
        return True  # lower-case fragments are not names
    return bool(re.fullmatch(r"[\W\d]+", cleaned))


@cache
@lru_cache(maxsize=1)
def _acronym_definition() -> re.Pattern:
    """Up to fifteen words, capitalised or joining, then an acronym in brackets: '... Group (SWIG)',
    maybe glossed: '... (ATF, por sus siglas en inglés)', '(por sus siglas en inglés, HSI)'."""
    joining = "|".join(re.escape(w) for w in sorted(joining_words(), key=len, reverse=True))
    word = rf"(?:[A-ZÀ-Ý][\w.'’&-]*|{joining})"
    glosses = load("entity_types")["acronym_glosses"]
    gloss = "|".join(re.escape(g) for g in sorted({g for words in glosses.values() for g in words}, key=len, reverse=True))
    return re.compile(rf"({word}(?:[ ,]+{word}){{0,14}})\s*\((?:(?P<gloss_before>{gloss}),\s*)?"
                      rf"([A-ZÀ-Ý][A-Za-zÀ-ÿ&]{{1,7}})(?:,\s*(?P<gloss_after>{gloss}))?\)")


@lru_cache(maxsize=1)
def _other_language_glosses() -> frozenset[str]:
    return frozenset(g.lower() for g in load("entity_types")["acronym_glosses"]["other_language"])


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()


def defined_acronyms(text: str) -> list[tuple[str, str, int, int]]:
    """'Homeland Security Investigations (HSI)' -> (long name, acronym, start, end) of the long name.
    The long name is the shortest run of words before the bracket that spells the acronym; an
    acronym glossed as another language's ('(HSI, por sus siglas en inglés)') need not spell it, and
    its name runs from the last body head before the bracket ('Oficina de Investigaciones ...')."""
    return list(_defined_acronyms(text))


@lru_cache(maxsize=2)  # the entity component asks three times of each text
def _defined_acronyms(text: str) -> tuple[tuple[str, str, int, int], ...]:
    found = []
    heads = frozenset(load("entity_types")["body_heads"])
    definition = _acronym_definition()
    for m in (m for start, end in _bracketed_stretches(text) for m in definition.finditer(text, start, end)):
        words_text, acronym = m.group(1), m.group(3)
        gloss = (m.group("gloss_before") or m.group("gloss_after") or "").lower()
        letters = _fold(re.sub(r"s$", "", acronym) if len(acronym) > 2 else acronym)
        letters = re.sub(r"[^A-Z]", "", letters)
        words = list(re.finditer(r"[\w.'’&-]+", words_text))
        for first in range(len(words) - 1, -1, -1):
            candidate = [w.group(0) for w in words[first:]]
            if candidate[0].lower() in joining_words():
                continue
            if _spells(letters, candidate):
                break
        else:
            glossed = gloss in _other_language_glosses()
            first = next((i for i in range(len(words) - 1, -1, -1) if glossed and words[i].group(0).lower() in heads), None)
            if first is None:
                continue
        start = m.start(1) + words[first].start()
        end = m.start(1) + words[-1].end()
        found.append((text[start:end], acronym, start, end))
    return tuple(found)


BRACKETS = re.compile(r"[()]")


def _bracketed_stretches(text: str):
    """(start, end) of each bracket with no bracket inside, from the bracket before it (or the
    text's start) to its closing one. A definition lies in one of them, as its words hold no
    bracket: a text with none has no definition to look for."""
    start = 0
    for bracket in BRACKETS.finditer(text):
        if bracket.group() == "(":
            closing = BRACKETS.search(text, bracket.end())
            if closing is not None and closing.group() == ")":
                yield start, closing.end()
        start = bracket.end()


def _spells(letters: str, words: list[str]) -> bool:
    """Every word but a stopword starts the next letter and may give more letters from inside
    itself ('Southwest Intelligence Group' spells SWIG); stopwords may give a letter or none
    ('Without a Trace' spells WaT)."""
    folded = [_fold(w) for w in words]

    def match(li: int, wi: int) -> bool:
        if wi == len(folded):
            return li == len(letters)
        word = folded[wi]
        if words[wi].lower() in joining_words() and match(li, wi + 1):
            return True
        if li >= len(letters) or not word or word[0] != letters[li]:
            return False
        # the word gives its first letter and then, optionally, more letters found inside it
        li += 1
        if match(li, wi + 1):
            return True
        position = 1
        while li < len(letters):
            position = word.find(letters[li], position)
            if position < 0:
                return False
            li += 1
            position += 1
            if match(li, wi + 1):
                return True
        return False

    return match(0, 0)


def outlet_entity(article: Article) -> Entity:
    """Who publishes the text, the default asserter of what no one else in it asserts: its stated
    outlet, else its aggregator; for a release (a dateline, no outlet), the one agency its title
    names; else an unknown outlet. The author is never the publisher: a reporter does not assert
    an agency's figure. An outlet is one entity across articles: a known agency or outlet by its
    alias, else by its site's domain, else by its name."""
    for name in (article.outlet, article.aggregator):
        if name:
            return named_outlet(name, article.url)
    if article.dateline and article.title:
        agencies = agencies_named_in(article.title)
        if len(agencies) == 1:
            return known_entity(agencies.pop())
    domain = site_domain(article.url)
    if domain:
        return Entity(key=entity_key(domain), label=domain, type="Outlet", aliases={domain})
    return Entity(key=entity_key("unknown outlet", scope=article.sha256[:12]), label="unknown outlet", type="Outlet")


def named_outlet(name: str, url: str | None = None) -> Entity:
    bare = re.sub(r"\s*\([A-Z][A-Za-z&.]{1,10}\)\s*$", "", name).strip()  # "U.S. Customs and Border Protection (CBP)"
    for candidate in (name, bare):
        key = alias_index().get(name_key(candidate))
        if key:
            return known_entity(key)
    label = clean_name(name)
    domain = site_domain(url)
    key = entity_key(domain or label)
    return Entity(key=key, label=label, type="Outlet", aliases={name} | ({domain} if domain else set()))


def site_domain(url: str | None) -> str | None:
    """'https://www.cbp.gov/newsroom/x' -> 'cbp.gov'."""
    match = re.match(r"https?://(?:www\.)?([^/:?#\s]+)", url or "", re.I)
    return match.group(1).lower() if match else None


def agencies_named_in(text: str) -> set[str]:
    """Keys of the known agencies whose names or aliases occur in text as whole words."""
    found = set()
    for key, row in alias_table().items():
        if row["type"] != "Agency":
            continue
        for name in [row["label"], *row.get("aliases", [])]:
            if len(name) > 1 and re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text):
                found.add(key)
                break
    return found


def known_entities(keys: set[str]) -> list[Entity]:
    """The known-alias table's entities for these keys and the chain of agencies they are part of
    (OFO -> CBP -> DHS), sorted by key, each with every alias the table knows."""
    table = alias_table()
    wanted = set(keys) & set(table)
    for key in list(wanted):
        parent = table[key].get("part_of")
        while parent and parent in table and parent not in wanted:
            wanted.add(parent)
            parent = table[parent].get("part_of")
    entities = []
    for key in sorted(wanted):
        entity = known_entity(key)
        entity.aliases = set(table[key].get("aliases", []))
        entity.labels = dict(table[key].get("labels", {}))  # "Secretaría de Marina"@es
        entities.append(entity)
    return entities


def author_entity(name: str) -> Entity:
    """An article's author as a person."""
    return Entity(key=entity_key(name), label=clean_name(name), type="Person", aliases={name})

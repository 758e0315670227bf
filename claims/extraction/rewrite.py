"""Stage 4: pronouns and short references ("she", "the minister", "the company") become the
entity they mean, remembered across the article's sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claims.extraction.atoms import AtomicClaim, inside_quotation, tidy
from claims.extraction.split import SUBJECTS, inside_clause, possessive

ORG_NOUNS = {
    "company", "firm", "group", "business", "bank", "agency", "council", "department", "ministry",
    "club", "team", "university", "hospital", "school", "retailer", "charity", "party", "union",
    "court", "board", "committee", "airline", "carrier", "government", "organisation",
    "organization", "startup", "manufacturer", "insurer", "developer", "operator", "lab",
    "laboratory", "institute", "regulator", "authority", "service", "network", "chain", "brand",
}  # fmt: skip


PLACE_NOUNS = {
    "city",
    "town",
    "country",
    "state",
    "region",
    "village",
    "county",
    "capital",
    "island",
    "nation",
}


ROLE_NOUNS = {
    "minister", "mayor", "president", "chief", "executive", "spokesman", "spokeswoman", "spokesperson",
    "official", "judge", "senator", "governor", "coach", "manager", "player", "doctor", "researcher",
    "scientist", "professor", "author", "lawyer", "attorney", "prosecutor", "defendant", "chairman",
    "chairwoman", "chair", "ceo", "director", "founder", "premier", "chancellor", "leader", "councillor",
    "councilman", "councilwoman", "commissioner", "secretary", "striker", "defender", "goalkeeper",
    "captain", "economist", "analyst", "officer", "inspector", "surgeon", "nurse", "teacher",
    "principal", "superintendent", "sheriff", "detective", "witness", "victim", "suspect", "owner",
    "actor", "actress", "singer", "filmmaker", "writer", "historian", "astronaut", "pilot",
}  # fmt: skip


_MALE = {"he", "him", "his", "himself"}


_FEMALE = {"she", "her", "hers", "herself"}


_HONORIFIC_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male"}


@dataclass
class Person:
    name: str
    gender: str | None = None


@dataclass
class EntityMemory:
    """Entities seen so far in the article, most recent last: what later references point to."""

    persons: list[Person] = field(default_factory=list)
    # (name, sentence number, whether it was a clause subject: subjects are what "the company" means)
    organisations: list[tuple[str, int, bool]] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    last_subject: str | None = None  # the previous sentence's subject, when a thing ("it")
    sentence_number: int = 0

    def person(self, name: str) -> Person:
        for person in self.persons:
            if person.name == name or person.name.split()[-1] == name:
                self.persons.remove(person)
                self.persons.append(person)
                return person
        person = Person(name)
        self.persons.append(person)
        return person

    def full_name(self, name: str) -> str:
        if " " in name:
            return name
        return next((p.name for p in reversed(self.persons) if p.name.split()[-1] == name), name)

    def mentions(self, doc: Doc) -> list[Mention]:
        """People named in the sentence, bare surnames of people named before included."""
        found = people_in(doc)
        taken = {i for mention in found for i in range(mention.start, mention.end)}
        for token in doc:
            if token.i not in taken and _lone_proper_noun(token) and self.full_name(token.text) != token.text:
                found.append(Mention(token.text, token.i, token.i + 1, [], None))
        return sorted(found, key=lambda mention: mention.start)

    def observe(self, doc: Doc) -> None:
        mentions = self.mentions(doc)
        for mention in mentions:
            person = self.person(self.full_name(mention.name))
            person.gender = person.gender or mention.gender
            for role in mention.roles:
                self.roles[role] = person.name
        people_spans = [(mention.start, mention.end) for mention in mentions]
        for entity in doc.ents:
            if any(entity.start < end and start < entity.end for start, end in people_spans):
                continue
            name = entity_name(entity)
            if name and (entity.label_ == "ORG" or (entity.label_ == "GPE" and _is_subject(entity))):
                self.organisations.append((name, self.sentence_number, _is_subject(entity)))
            if name and entity.label_ in {"GPE", "LOC"}:
                self.places.append(name)
        self.last_subject = _thing_subject(doc, self)
        self.sentence_number += 1


@dataclass
class Mention:
    name: str
    start: int  # token indexes
    end: int
    roles: list[str]
    gender: str | None


def _title_word(token: Token) -> str | None:
    word = token.lower_.rstrip(".")
    return word if word in ROLE_NOUNS or word in _HONORIFIC_GENDER or word in {"dr", "prof"} else None


def people_in(doc: Doc) -> list[Mention]:
    """People named in a sentence: PERSON entities, plus titled names the small model misses or
    mislabels ("Mayor Ana Ruiz", "Striker Marco Bellini" read as an organisation)."""
    mentions: list[Mention] = []
    for entity in doc.ents:
        titled = any(_title_word(token) for token in entity[:-1])
        if entity.label_ == "PERSON" or (entity.label_ == "ORG" and titled):
            mention = _mention(doc, entity.start, entity.end)
            if mention is not None:
                mention.roles += _roles_of(entity)
                mentions.append(mention)
    taken = {i for mention in mentions for i in range(mention.start, mention.end)}
    for token in doc:
        if token.pos_ != "PROPN" or token.dep_ == "compound" or token.i in taken:
            continue
        chain = [left for left in token.lefts if left.dep_ == "compound"] + [token]
        if len(chain) >= 2 and any(_title_word(left) for left in chain[:-1]):
            mention = _mention(doc, chain[0].i, token.i + 1)
            if mention is not None and not any(i in taken for i in range(mention.start, mention.end)):
                mentions.append(mention)
    return sorted(mentions, key=lambda mention: mention.start)


def _mention(doc: Doc, start: int, end: int) -> Mention | None:
    """The name after the last title word: "Health Minister Ana Ruiz" → "Ana Ruiz"."""
    roles: list[str] = []
    gender = None
    first = start
    for index in range(max(0, start - 1), end - 1):
        word = _title_word(doc[index])
        if word:
            first = index + 1
            gender = _HONORIFIC_GENDER.get(word, gender)
            if word in ROLE_NOUNS:
                roles.append(word)
    words = [t for t in doc[first:end] if t.tag_ != "POS" and t.text not in {"'s", "\u2019s"}]
    if not words or not all(t.text[:1].isupper() for t in words):
        return None
    return Mention(" ".join(t.text for t in words), first, end, roles, gender)


def _is_subject(entity: Span) -> bool:
    return entity.root.dep_ in SUBJECTS or (
        entity.root.dep_ == "compound" and entity.root.head.dep_ in SUBJECTS
    )


def entity_name(entity: Span) -> str:
    tokens = [token for token in entity if token.tag_ != "POS" and token.text not in {"'s", "\u2019s"}]
    if tokens and tokens[0].lower_ == "the":
        tokens = tokens[1:]
    return " ".join(token.text for token in tokens).strip()


def _roles_of(entity: Span) -> list[str]:
    """Role nouns tied to a person: "Health Minister Ana Ruiz", "Ana Ruiz, the health minister"."""
    roles = [token.lemma_.lower() for token in entity.root.children if token.dep_ in {"compound", "appos"}]
    roles += [token.lemma_.lower() for token in entity.doc[max(0, entity.start - 3) : entity.start]]
    for appos in (token for token in entity.root.children if token.dep_ == "appos"):
        roles += [token.lemma_.lower() for token in appos.subtree if token.pos_ == "NOUN"]
    return [role for role in roles if role in ROLE_NOUNS]


def decontextualise(claim: AtomicClaim, doc: Doc, memory: EntityMemory) -> None:
    """Pronouns and short references in the claim's text become the entity they point to."""
    for token in claim.tokens:
        if token.i in claim.replacements or inside_quotation(token):
            continue
        replacement = _reference(token, doc, memory)
        if replacement and not _already_named(claim, token, replacement):
            claim.replacements[token.i] = replacement
            for determiner in (child for child in token.children if child.dep_ == "det"):
                claim.replacements[determiner.i] = ""
    for token in claim.tokens:
        if token.i not in claim.replacements and _lone_proper_noun(token):
            full = memory.full_name(token.text)
            if full != token.text and not _already_named(claim, token, full):
                claim.replacements[token.i] = full


def _lone_proper_noun(token: Token) -> bool:
    """A surname on its own ("Ruiz said"), not part of a longer name."""
    doc = token.doc
    neighbours = [doc[i] for i in (token.i - 1, token.i + 1) if 0 <= i < len(doc)]
    # The small model tags a bare surname at a sentence start as anything ("Ruiz visited" NOUN,
    # "Fischer, the world number two," ADV); it is only ever checked against names already seen.
    return (
        token.pos_ not in {"PUNCT", "NUM", "PRON", "DET"}
        and not token.is_stop
        and token.text[:1].isupper()
        and token.dep_ not in {"compound", "amod"}
        and not any(other.pos_ == "PROPN" for other in neighbours)
    )


def _already_named(claim: AtomicClaim, token: Token, replacement: str) -> bool:
    earlier = " ".join(claim.replacements.get(t.i, t.text) for t in claim.tokens if t.i < token.i)
    name = replacement.removesuffix("\u2019s").removesuffix("\u2019")
    return name in earlier or name.split()[-1] in earlier.split()


def _reference(token: Token, doc: Doc, memory: EntityMemory) -> str | None:
    word = token.lower_
    if word in _MALE or word in _FEMALE:
        person = _person_before(token, doc, memory, "male" if word in _MALE else "female")
        if person is None:
            return None
        return possessive(person) if token.tag_ == "PRP$" or word == "hers" else person
    if word in {"it", "its"} and token.dep_ in {"nsubj", "nsubjpass", "poss"}:
        thing = _it_reference(token, doc, memory)
        if thing:
            return possessive(thing) if word == "its" else thing
        return None
    if token.pos_ == "NOUN" and _bare_definite(token):
        return _definite_reference(token, doc, memory)
    return None


def _bare_definite(token: Token) -> bool:
    """ "the company", not "the company's new plant" head or "a company"."""
    left = list(token.lefts)
    return (
        len(left) == 1
        and left[0].lower_ == "the"
        and not any(child.dep_ in {"prep", "relcl", "acl", "appos"} for child in token.rights)
    )


def _definite_reference(token: Token, doc: Doc, memory: EntityMemory) -> str | None:
    lemma = token.lemma_.lower()
    if lemma in ORG_NOUNS:
        return _recent_organisation(token, doc, memory)
    if lemma in PLACE_NOUNS:
        places = [entity_name(e) for e in doc.ents if e.label_ == "GPE" and e.end <= token.i]
        candidates = places or memory.places
        return candidates[-1] if candidates else None
    if lemma in ROLE_NOUNS:
        return memory.roles.get(lemma)
    return None


def _recent_organisation(token: Token, doc: Doc, memory: EntityMemory) -> str | None:
    """The organisation named with this noun ("the bank" → "Northern Bank"), else the one most
    recently the subject of a clause; None rather than a guess."""
    noun = token.lower_
    here = [(entity_name(e), _is_subject(e)) for e in doc.ents if e.label_ == "ORG" and e.end <= token.i]
    known = [(name, subject) for name, _, subject in memory.organisations] + here
    named_so = [name for name, _ in known if noun in name.lower().split()]
    subjects = [name for name, subject in known if subject and not name.lower().startswith(noun)]
    candidates = named_so or subjects
    return candidates[-1] if candidates else None


def _it_reference(token: Token, doc: Doc, memory: EntityMemory) -> str | None:
    """ "it" is the subject of the sentence's main clause, else of the sentence before."""
    clause = token.head if token.dep_ != "poss" else token.head.head
    if _dummy_it(token, clause):
        return None
    local_subjects = [c for c in clause.children if c.dep_ in SUBJECTS and c.i != token.i]
    subject = _thing_subject(doc, memory)
    root_subject = _root_subject(doc)
    if root_subject is not None and root_subject.i < token.i and root_subject.i != token.i:
        if all(c.i == root_subject.i or c.pos_ == "PRON" for c in local_subjects):
            return subject
        return None
    if token.dep_ == "poss" and local_subjects:
        return None
    return memory.last_subject


def _dummy_it(token: Token, clause: Token) -> bool:
    """ "It is likely that …", "What a night it was!": "it" points at nothing."""
    if token.lower_ != "it" or clause.lemma_ != "be":
        return False
    exclamative = token.doc[0].lower_ in {"what", "how"}
    extraposed = any(child.dep_ in {"ccomp", "xcomp", "csubj", "advcl"} for child in clause.children)
    return exclamative or extraposed


def _root_subject(doc: Doc) -> Token | None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return next((c for c in root.children if c.dep_ in SUBJECTS), None) if root is not None else None


def _thing_subject(doc: Doc, memory: EntityMemory) -> str | None:
    """The main clause's subject as words, when it is a singular thing (not a person, not "it")."""
    subject = _root_subject(doc)
    if (
        subject is None
        or subject.pos_ not in {"NOUN", "PROPN"}
        or subject.tag_ not in {"NN", "NNP"}
        or subject.ent_type_ in {"PERSON", "NORP"}
        or subject.lemma_.lower() in ROLE_NOUNS
        or memory.full_name(subject.text) != subject.text
    ):
        return None
    if _bare_definite(subject):
        resolved = _definite_reference(subject, doc, memory)
        if resolved:
            return resolved
    words = [t for t in subject.subtree if not inside_clause(t, subject)]
    return tidy(" ".join(t.text for t in words)).rstrip(".")


def _person_before(token: Token, doc: Doc, memory: EntityMemory, gender: str) -> str | None:
    here = [mention for mention in memory.mentions(doc) if mention.end <= token.i]
    for mention in reversed(here):
        person = memory.person(memory.full_name(mention.name))
        if person.gender in {None, gender}:
            person.gender = gender
            return person.name
    for person in reversed(memory.persons):
        if person.gender in {None, gender}:
            person.gender = gender
            return person.name
    return None

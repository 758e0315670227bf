"""Stage 4: pronouns and short references ("she", "the minister", "the company") become the
entity they mean, remembered across the article's sentences."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from claims.extraction import antecedents, given_names, names
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
    "pastor", "priest", "bishop", "teenager", "student", "mother", "father", "son", "daughter",
    "wife", "husband", "sister", "brother", "grandmother", "grandfather", "widow", "king", "queen",
    "dictator", "defector", "activist", "campaigner", "farmer", "soldier", "general", "envoy",
    "granddaughter", "grandson", "girlfriend", "boyfriend", "stepmother", "stepfather",
}  # fmt: skip


_MALE = {"he", "him", "his"}
_FEMALE = {"she", "her", "hers"}
_HONORIFIC_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female", "sir": "male"}
# Role and family nouns that say a person's gender ("his mother, Ana Ruiz", "actress Mia Lee").
_GENDERED_ROLES = {
    "mother": "female", "daughter": "female", "wife": "female", "sister": "female", "actress": "female",
    "spokeswoman": "female", "chairwoman": "female", "councilwoman": "female", "queen": "female",
    "grandmother": "female", "aunt": "female", "niece": "female", "widow": "female", "girl": "female",
    "woman": "female", "father": "male", "son": "male", "husband": "male", "brother": "male",
    "actor": "male", "spokesman": "male", "chairman": "male", "councilman": "male", "king": "male",
    "grandfather": "male", "uncle": "male", "nephew": "male", "widower": "male", "boy": "male",
    "man": "male", "granddaughter": "female", "grandson": "male", "girlfriend": "female",
    "boyfriend": "male", "stepmother": "female", "stepfather": "male", "stepdaughter": "female",
    "stepson": "male",
}  # fmt: skip


@dataclass
class Person:
    name: str
    gender: str | None = None
    ambiguous: bool = False  # a bare name several known people go by
    gender_told: bool = False  # by an honorific or a gendered role noun, not by a resolved pronoun

    @property
    def keys(self) -> set[str]:
        """What a bare mention may call the person: the first or the last word of the full name
        ("Kim" for Kim Jong Un, "Ruiz" for Ana Ruiz)."""
        words = self.name.split()
        return {words[0], words[-1]} if len(words) > 1 else {self.name}


@dataclass
class PersonMention:
    """Where the article names a person: body offsets, and the mention's place in its clause."""

    person: Person
    sentence: int
    start: int
    end: int
    full: bool  # the full name, not a bare surname
    subject: bool  # heads a clause's subject
    in_phrase: bool  # inside a prepositional phrase ("a friendship with <name>")
    main_subject: bool = False  # the subject of the sentence's main clause
    possessive: bool = False  # "<name>'s"
    pronoun: bool = False  # a pronoun already resolved to the person
    clause: int = -1  # sentence-qualified id of the clause's verb (see `_clause_id`)
    inferred: bool = False  # a name the spaCy model did not call a person (see `names`)
    quoted: bool = False  # inside a quotation: someone the speaker talks about or to
    token_start: int = 0  # token index in the sentence

    def seen(self) -> antecedents.Seen:
        return antecedents.Seen(
            self.sentence,
            self.start,
            self.end,
            self.subject,
            self.main_subject,
            self.in_phrase,
            self.possessive,
            self.full,
            self.pronoun,
            self.clause,
            self.inferred,
        )


@dataclass
class Antecedent:
    """What a reference resolved to, and the mention (body offsets) that justified it."""

    text: str
    start: int
    end: int


@dataclass
class EntityMemory:
    """Entities seen so far in the article, in reading order: what later references point to."""

    persons: list[Person] = field(default_factory=list)
    person_mentions: list[PersonMention] = field(default_factory=list)
    # (name, sentence number, whether it was a clause subject, body span): subjects are what
    # "the company" means
    organisations: list[tuple[str, int, bool, Antecedent]] = field(default_factory=list)
    places: list[Antecedent] = field(default_factory=list)
    roles: dict[str, list[PersonMention]] = field(default_factory=dict)
    last_subject: Antecedent | None = None  # the previous sentence's subject, when a thing ("it")
    sentence_number: int = 0
    # The genders of people the previous sentence mentions without a name ("his wife", "a woman").
    unnamed_genders: set[str] = field(default_factory=set)

    def full_name(self, name: str) -> str:
        """The one full name known for a bare name, else the name as it stands."""
        if " " in name:
            return name
        matches = {person.name for person in self.persons if name in person.keys}
        return matches.pop() if len(matches) == 1 else name

    def mentions(self, doc: Doc) -> list[PersonMention]:
        """The people the sentence names, in order, each tied to a person (see `_person_named`)."""
        cached = doc.user_data.get("person_mentions")
        if cached is not None:
            return cached
        found: list[PersonMention] = []
        named = people_in(doc, {word for person in self.persons for word in person.name.split()})
        taken = {i for mention in named for i in range(mention.start, mention.end)}
        bare = [
            Mention(token.text, token.i, token.i + 1, [], None)
            for token in doc
            if token.i not in taken and _lone_proper_noun(token) and self.knows(token.text)
        ]
        offset = doc.user_data.get("body_start", 0)
        roles: list[tuple[PersonMention, list[str]]] = []
        for mention in sorted(named + bare, key=lambda mention: mention.start):
            person = self._person_named(mention.name, found) or self._someone_named(mention.name)
            span = doc[mention.start : mention.end]
            found.append(
                PersonMention(
                    person=person,
                    sentence=self.sentence_number,
                    start=offset + span.start_char,
                    end=offset + span.end_char,
                    full=" " in mention.name,
                    subject=_is_subject(span),
                    in_phrase=_in_phrase(span.root),
                    main_subject=_main_subject(span.root),
                    clause=_clause_id(span.root, self.sentence_number),
                    possessive=span.root.dep_ == "poss" or doc[min(span.end, len(doc) - 1)].tag_ == "POS",
                    inferred=mention.inferred,
                    token_start=mention.start,
                    quoted=inside_quotation(span.root),
                )
            )
            roles.append((found[-1], mention.roles + _age_roles(doc, mention.end)))
            roles += _relative_roles(doc, mention, found)
            told = mention.gender or _role_gender(mention.roles)
            if told and not person.gender_told:
                person.gender = told  # the article's word over the given name's
            person.gender_told = person.gender_told or told is not None
        doc.user_data["person_mentions"] = found
        doc.user_data["mention_roles"] = roles
        return found

    def knows(self, name: str) -> bool:
        return any(name in person.keys for person in self.persons)

    def _someone_named(self, name: str) -> Person:
        """A one-word name that is not certainly anyone known: someone new when no known person
        goes by it, else one of several (`ambiguous`), who still counts when pronouns are resolved."""
        if self.knows(name):
            return Person(name, ambiguous=True)
        person = Person(name)
        self.persons.append(person)
        return person

    def _person_named(self, name: str, earlier_here: list[PersonMention]) -> Person | None:
        """A full name is that person (new or known). A bare name is the person whose full name
        was last given with that word, provided no other person with the word was named since;
        None when that is not certain."""
        if " " in name:
            known = next((person for person in self.persons if person.name == name), None)
            if known is None:
                known = Person(name, gender=given_names.gender_of(name))
                self.persons.append(known)
            return known
        so_far = self.person_mentions + earlier_here
        last_full = next(
            (
                index
                for index in range(len(so_far) - 1, -1, -1)
                if so_far[index].full and name in so_far[index].person.keys
            ),
            None,
        )
        if last_full is None:
            return None
        person = so_far[last_full].person
        namesakes = {id(p) for p in self.persons if name in p.keys and " " in p.name}
        if len(namesakes) > 1:
            # Two people share the name ("Walter Hume" and his son "Callum Hume"): a bare "Hume"
            # could be either, whoever was named last.
            return None
        since = so_far[last_full + 1 :]
        if any(name in other.person.keys and other.person is not person for other in since):
            return None
        return person

    def observe(self, doc: Doc) -> None:
        mentions = self.mentions(doc)
        self.unnamed_genders = _unnamed_genders(doc, len(doc))
        self.person_mentions += mentions
        for mention, roles in doc.user_data.get("mention_roles", []):
            for role in roles:
                self.roles.setdefault(role, []).append(mention)
        # A name only inferred from its place in the sentence may still be the company or the place.
        people_spans = [(mention.start, mention.end) for mention in mentions if not mention.inferred]
        offset = doc.user_data.get("body_start", 0)
        for entity in doc.ents:
            span = (offset + entity.start_char, offset + entity.end_char)
            if any(span[0] < end and start < span[1] for start, end in people_spans):
                continue
            name = entity_name(entity)
            here = Antecedent(name, *span)
            if name and (entity.label_ == "ORG" or (entity.label_ == "GPE" and _is_subject(entity))):
                self.organisations.append((name, self.sentence_number, _is_subject(entity), here))
            if name and entity.label_ in {"GPE", "LOC"}:
                self.places.append(here)
        self.last_subject = _thing_subject(doc, self)
        self.sentence_number += 1


# A singular noun for someone whose gender it does not tell ("One defector said he ..."): the pronoun
# may mean that person, who has no name to write, so a lone named candidate is not enough.
_PERSON_NOUNS = frozenset({
    "defector", "official", "witness", "resident", "victim", "survivor", "source", "child", "teenager",
    "student", "worker", "driver", "soldier", "officer", "doctor", "nurse", "patient", "prisoner",
    "refugee", "migrant", "passenger", "neighbour", "neighbor", "friend", "member", "leader", "analyst",
    "expert", "critic", "lawyer", "judge", "minister", "president", "player", "fan", "activist",
    "protester", "voter", "customer", "farmer", "teacher", "pastor", "priest", "guard", "suspect",
    "defendant", "candidate", "employee", "owner", "manager", "director", "founder", "author", "writer",
    "journalist", "reporter", "researcher", "scientist", "spokesperson", "person", "individual",
    "colleague", "relative", "partner", "parent", "sibling", "cousin", "inmate", "detainee", "captive",
})  # fmt: skip
_SPEECH_VERBS = frozenset({
    "say", "tell", "add", "claim", "recall", "explain", "describe", "admit", "insist", "deny", "warn",
    "write", "state", "recount",
})  # fmt: skip
UNKNOWN_GENDER = "unknown"


def _unnamed_genders(doc: Doc, before: int) -> set[str]:
    """Genders of the person nouns before token `before` that name no one ("his wife said"), and
    `UNKNOWN_GENDER` for a singular one that does not tell it ("one defector said")."""
    genders = set()
    for token in doc[:before]:
        lemma = token.lemma_.lower()
        if (
            token.pos_ != "NOUN"
            or any(child.ent_type_ == "PERSON" or child.pos_ == "PROPN" for child in token.children)
            or (token.dep_ in {"compound", "appos"} and token.head.pos_ == "PROPN")
        ):
            continue
        if lemma in _GENDERED_ROLES:
            genders.add(_GENDERED_ROLES[lemma])
        elif token.tag_ == "NN" and (
            lemma in _PERSON_NOUNS or (token.dep_ == "nsubj" and token.head.lemma_ in _SPEECH_VERBS)
        ):
            genders.add(UNKNOWN_GENDER)
    return genders


def _age_roles(doc: Doc, end: int) -> list[str]:
    """ "Jordan Pike, 19," is who "the teenager" later means."""
    after = doc[end : end + 3]
    aged = len(after) >= 2 and after[0].text == "," and after[1].text.isdigit()
    return ["teenager"] if aged and 13 <= int(after[1].text) <= 19 else []
    return []


# "X and her daughter Y": Y is the daughter, and X "the mother". By the relative's role and the
# possessive's gender, the role the possessor plays.
_INVERSE_ROLES = {
    ("daughter", "her"): "mother", ("son", "her"): "mother", ("daughter", "his"): "father",
    ("son", "his"): "father", ("wife", "his"): "husband", ("husband", "her"): "wife",
    ("mother", "her"): "daughter", ("father", "her"): "daughter", ("mother", "his"): "son",
    ("father", "his"): "son",
}  # fmt: skip


def _relative_roles(
    doc: Doc, mention: Mention, found: list[PersonMention]
) -> list[tuple[PersonMention, list[str]]]:
    """ "Janet Hollis ... and her daughter, Kirsty Hollis": the one other person the sentence named
    before, by full name, is "the mother"; nothing when there are several, or none."""
    before = [token.lower_ for token in doc[max(0, mention.start - 3) : mention.start]]
    earlier = {id(m.person): m for m in found[:-1] if m.full and m.person is not found[-1].person}
    if len(earlier) != 1:
        return []
    possessor = next(iter(earlier.values()))
    inverse = [
        _INVERSE_ROLES[(role, word)]
        for role in mention.roles
        for word in before
        if (role, word) in _INVERSE_ROLES and role in before
    ]
    return [(possessor, inverse)] if inverse else []


def _role_gender(roles: list[str]) -> str | None:
    genders = {_GENDERED_ROLES[role] for role in roles if role in _GENDERED_ROLES}
    return genders.pop() if len(genders) == 1 else None


def _in_phrase(token: Token) -> bool:
    """Inside a prepositional phrase: "with <name>", "<name>'s friend" within one."""
    while token.dep_ in {"compound", "poss", "appos", "conj"} and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj"


@dataclass
class Mention:
    name: str
    start: int  # token indexes
    end: int
    roles: list[str]
    gender: str | None
    inferred: bool = False


def _title_word(token: Token) -> str | None:
    word = token.lower_.rstrip(".")
    return word if word in ROLE_NOUNS or word in _HONORIFIC_GENDER or word in {"dr", "prof"} else None


def people_in(doc: Doc, known_words: set[str] | None = None) -> list[Mention]:
    """People named in a sentence: PERSON entities, plus titled names the small model misses or
    mislabels ("Mayor Ana Ruiz", "Striker Marco Bellini" read as an organisation), plus names
    it labelled otherwise that read as a person's (`names`, marked `inferred`); `known_words` are
    the words of the people named so far in the article."""
    mentions: list[Mention] = []
    for entity in doc.ents:
        titled = any(_title_word(token) for token in entity[:-1])
        if entity[0].lower_ == "the":
            continue  # "The Lyric Opera": a person's name takes no article
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
    taken = {i for mention in mentions for i in range(mention.start, mention.end)}
    recognised = {token.text for entity in doc.ents if entity.label_ == "PERSON" for token in entity}
    for span in names.inferred_names(doc, taken, (known_words or set()) | recognised):
        mention = _mention(doc, span.start, span.end)
        if mention is not None:
            # A name made of words of people already named ("Bellini" after "Marco Bellini") is theirs.
            mention.inferred = not set(mention.name.split()) <= (known_words or set())
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
    tokens = [t for t in doc[first:end] if t.tag_ != "POS" and t.text not in {"'s", "\u2019s"}]
    # Words as written: "Kim Jong-un" is three tokens but two words.
    words = "".join(t.text_with_ws for t in tokens).split()
    if not words or not all(word[:1].isupper() for word in words):
        return None
    return Mention(" ".join(words), first, end, roles, gender)


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
    """References in the claim become what they point to, only when exactly one antecedent fits.

    Each rewrite is recorded with the mention that justified it; a reference that stays as written
    because its antecedent is not certain marks the claim `needs_context`.
    """
    for token in claim.tokens:
        if token.i in claim.replacements or inside_quotation(token):
            continue
        if not _is_reference(token, memory):
            continue
        antecedent = _reference(token, doc, memory)
        if antecedent is None:
            claim.needs_context = claim.needs_context or _needs_antecedent(token)
            continue
        whose = _is_possessive(token) or token.lower_ == "its"
        replacement = possessive(antecedent.text) if whose else antecedent.text
        if _already_named(claim, token, antecedent.text):
            continue
        claim.replacements[token.i] = replacement
        first = token
        for determiner in (child for child in token.children if child.dep_ == "det"):
            claim.replacements[determiner.i] = ""
            first = determiner if determiner.i < first.i else first
        _record(claim, doc, first, token, replacement, antecedent)


def _record(
    claim: AtomicClaim, doc: Doc, first: Token, last: Token, replacement: str, antecedent: Antecedent
) -> None:
    offset = doc.user_data.get("body_start", 0)
    start, end = offset + first.idx, offset + last.idx + len(last.text)
    claim.rewrites.append(
        {
            "start": start,
            "end": end,
            "original": doc.text[first.idx : last.idx + len(last.text)],
            "replacement": replacement,
            "antecedent_start": antecedent.start,
            "antecedent_end": antecedent.end,
        }
    )


def _is_possessive(token: Token) -> bool:
    return token.tag_ == "PRP$" or token.lower_ == "hers"


def _is_reference(token: Token, memory: EntityMemory) -> bool:
    word = token.lower_
    if word in _MALE or word in _FEMALE:
        return True
    if word in {"it", "its"}:
        return token.dep_ in {"nsubj", "nsubjpass", "poss"}
    if token.pos_ == "NOUN" and _bare_definite(token):
        return True
    # A bare name that is part of someone's full name ("Ruiz" after "Ana Ruiz").
    known = any(token.text in person.keys and " " in person.name for person in memory.persons)
    return known and _lone_proper_noun(token) and token.ent_type_ in {"", "PERSON"}


def _needs_antecedent(token: Token) -> bool:
    """An unresolved reference that leaves the claim unreadable alone: a person pronoun or a bare
    name (not "the city", whose claim still reads)."""
    word = token.lower_
    return word in _MALE or word in _FEMALE or (token.pos_ == "PROPN" and token.text[:1].isupper())


def _already_named(claim: AtomicClaim, token: Token, name: str) -> bool:
    earlier = " ".join(claim.replacements.get(t.i, t.text) for t in claim.tokens if t.i < token.i)
    return name in earlier or name.split()[-1] in earlier.split()


def _reference(token: Token, doc: Doc, memory: EntityMemory) -> Antecedent | None:
    word = token.lower_
    if word in _MALE or word in _FEMALE:
        return _person_for_pronoun(token, doc, memory, "male" if word in _MALE else "female")
    if word in {"it", "its"}:
        return _it_reference(token, doc, memory)
    if token.pos_ == "NOUN" and _bare_definite(token):
        return _definite_reference(token, doc, memory)
    mention = next(
        (m for m in memory.mentions(doc) if m.start == doc.user_data.get("body_start", 0) + token.idx), None
    )
    if mention is None or mention.full:
        return None
    return _antecedent_mention(mention.person, memory, doc, before=mention.start)


def _antecedent_mention(person: Person, memory: EntityMemory, doc: Doc, *, before: int) -> Antecedent | None:
    """The person's last full-name mention before `before` (the one a bare name or pronoun leans on)."""
    candidates = [
        m
        for m in memory.person_mentions + memory.mentions(doc)
        if m.person is person and m.full and m.start < before
    ]
    if not candidates:
        return None
    last = candidates[-1]
    return Antecedent(person.name, last.start, last.end)


def _person_for_pronoun(token: Token, doc: Doc, memory: EntityMemory, gender: str) -> Antecedent | None:
    """Resolve once per token (a shared subject is visited by each clause), and remember the
    pronoun as a mention of whoever it means, so the next pronoun sees the chain."""
    resolved: dict[int, Antecedent | None] = doc.user_data.setdefault("pronouns", {})
    if token.i in resolved:
        return resolved[token.i]
    antecedent, person = _pronoun_antecedent(token, doc, memory, gender)
    resolved[token.i] = antecedent
    if person is None:
        return antecedent
    offset = doc.user_data.get("body_start", 0)
    mentions = memory.mentions(doc)
    mentions.append(
        PersonMention(
            person=person,
            sentence=memory.sentence_number,
            start=offset + token.idx,
            end=offset + token.idx + len(token.text),
            full=False,
            subject=token.dep_ in SUBJECTS,
            in_phrase=_pronoun_in_phrase(token),
            main_subject=_main_subject(token),
            possessive=token.dep_ == "poss",
            pronoun=True,
            clause=_clause_id(token, memory.sentence_number),
        )
    )
    mentions.sort(key=lambda mention: mention.start)
    return antecedent


def _pronoun_antecedent(
    token: Token, doc: Doc, memory: EntityMemory, gender: str
) -> tuple[Antecedent | None, Person | None]:
    """The person a he/she means (see `antecedents`), with the mention that justifies the rewrite."""
    offset = doc.user_data.get("body_start", 0)
    at = offset + token.idx
    here = [m for m in memory.mentions(doc) if m.end <= at]
    earlier = memory.person_mentions
    if here:
        last_sentence = memory.sentence_number
    elif earlier:
        last_sentence = earlier[-1].sentence
    else:
        return None, None
    window = [m for m in earlier if m.sentence >= last_sentence - antecedents.WINDOW] + here
    other_gender = any(m.person.gender not in {None, gender} for m in window)
    window = [m for m in window if m.person.gender in {None, gender} and not m.person.name.isupper()]
    # A name inside a quotation is whom the speaker talks about, never the "she" of "…,” she said".
    window = [m for m in window if not m.quoted]
    people: dict[int, list[PersonMention]] = {}
    for mention in window:
        people.setdefault(id(mention.person), []).append(mention)
    groups = list(people.values())
    site = antecedents.Site(
        sentence=memory.sentence_number,
        start=at,
        subject=token.dep_ in SUBJECTS,
        possessive=token.dep_ == "poss",
        in_phrase=_pronoun_in_phrase(token),
        object=token.dep_ in {"dobj", "pobj", "dative", "iobj"},
        clause=_clause_id(token, memory.sentence_number),
        above=frozenset(_clauses_above(token, memory.sentence_number)),
        before_subject=_named_subject_after(token),
        other_gender=other_gender,
        alone=_alone(token, memory, groups, gender),
        recent=_alone(token, memory, groups, gender, whole_article=False),
    )
    everything = memory.person_mentions + here
    totals = [sum(m.person is group[0].person for m in everything) for group in groups]
    gendered = [group[0].person.gender_told and group[0].person.gender == gender for group in groups]
    index = antecedents.choose(
        site,
        [[m.seen() for m in group] for group in groups],
        [group[0].person.name for group in groups],
        totals,
        gendered,
    )
    if index is None:
        return None, None
    chosen = groups[index][0].person
    if chosen.ambiguous:
        return None, chosen
    chosen.gender = chosen.gender or gender
    last = groups[index][-1]
    full = _antecedent_mention(chosen, memory, doc, before=at)
    return full or Antecedent(chosen.name, last.start, last.end), chosen


def _alone(
    token: Token,
    memory: EntityMemory,
    groups: list[list[PersonMention]],
    gender: str,
    *,
    whole_article: bool = True,
) -> bool:
    """The one candidate, named in this sentence or the one before, with no one of the pronoun's
    gender mentioned there without a name ("Maria Lopez won. She ...", but not "John Hale died. His
    widow said she ..."); with `whole_article`, also the one person the article has named so far."""
    if len(groups) != 1:
        return False
    if whole_article and (len(memory.persons) != 1 or groups[0][0].person is not memory.persons[0]):
        return False
    recent = groups[0][-1].sentence >= memory.sentence_number - 1
    unnamed = _unnamed_genders(token.doc, token.i) | memory.unnamed_genders
    return recent and not unnamed & {gender, UNKNOWN_GENDER}


def _named_subject_after(token: Token) -> bool:
    """ "In his review, Robert Christgau ...": a name heads the main clause's subject after the pronoun."""
    root = token.sent.root
    return any(
        child.dep_ in SUBJECTS and child.i > token.i and child.pos_ == "PROPN" for child in root.children
    )


def _clause(token: Token) -> Token:
    """The verb of the clause a word belongs to."""
    while token.pos_ not in {"VERB", "AUX"} and token.head.i != token.i:
        token = token.head
    return token


def _clause_id(token: Token, sentence: int) -> int:
    return sentence * 10_000 + _clause(token).i


def _clauses_above(token: Token, sentence: int) -> list[int]:
    verb = _clause(token)
    above = []
    while verb.head.i != verb.i:
        verb = _clause(verb.head)
        above.append(_clause_id(verb, sentence))
    return above


def _pronoun_in_phrase(token: Token) -> bool:
    """ "with him", and "his" inside a phrase ("in his government")."""
    return _in_phrase(token) or (token.dep_ == "poss" and _in_phrase(token.head))


def _main_subject(token: Token) -> bool:
    while token.dep_ in {"compound", "appos", "conj"} and token.head.i != token.i:
        token = token.head
    return token.dep_ in SUBJECTS and token.head.dep_ == "ROOT"


def _definite_reference(token: Token, doc: Doc, memory: EntityMemory) -> Antecedent | None:
    lemma = token.lemma_.lower()
    offset = doc.user_data.get("body_start", 0)
    if lemma in ORG_NOUNS:
        return _recent_organisation(token, doc, memory)
    if lemma in PLACE_NOUNS:
        places = [
            Antecedent(entity_name(e), offset + e.start_char, offset + e.end_char)
            for e in doc.ents
            if e.label_ == "GPE" and e.end <= token.i
        ]
        candidates = places or memory.places
        return candidates[-1] if candidates else None
    if lemma in ROLE_NOUNS:
        # "the leader": only when the article gave that role to exactly one person.
        holders = memory.roles.get(lemma, [])
        people = {mention.person.name for mention in holders}
        if len(people) != 1:
            return None
        last = holders[-1]
        return Antecedent(last.person.name, last.start, last.end)
    return None


def _recent_organisation(token: Token, doc: Doc, memory: EntityMemory) -> Antecedent | None:
    """The organisation named with this noun ("the bank" → "Northern Bank"), else the one most
    recently the subject of a clause; None rather than a guess."""
    noun = token.lower_
    offset = doc.user_data.get("body_start", 0)
    here = [
        (
            entity_name(e),
            _is_subject(e),
            Antecedent(entity_name(e), offset + e.start_char, offset + e.end_char),
        )
        for e in doc.ents
        if e.label_ == "ORG" and e.end <= token.i
    ]
    known = [(name, subject, span) for name, _, subject, span in memory.organisations] + here
    named_so = [span for name, _, span in known if noun in name.lower().split()]
    subjects = [span for name, subject, span in known if subject and not name.lower().startswith(noun)]
    candidates = named_so or subjects
    return candidates[-1] if candidates else None


def _it_reference(token: Token, doc: Doc, memory: EntityMemory) -> Antecedent | None:
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


def _thing_subject(doc: Doc, memory: EntityMemory) -> Antecedent | None:
    """The main clause's subject as words, when it is a singular thing (not a person, not "it")."""
    subject = _root_subject(doc)
    if (
        subject is None
        or subject.pos_ not in {"NOUN", "PROPN"}
        or subject.tag_ not in {"NN", "NNP"}
        or subject.ent_type_ in {"PERSON", "NORP"}
        or subject.lemma_.lower() in ROLE_NOUNS
        or memory.knows(subject.text)
    ):
        return None
    if _bare_definite(subject):
        resolved = _definite_reference(subject, doc, memory)
        if resolved:
            return resolved
    words = [t for t in subject.subtree if not inside_clause(t, subject)]
    offset = doc.user_data.get("body_start", 0)
    start, end = offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)
    return Antecedent(tidy(" ".join(t.text for t in words)).rstrip("."), start, end)


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
        # "Beyond Utopia", a title the parser reads as a preposition and a name: a capitalised
        # word just before may be the name's own first word, so the name is not on its own.
        and not (token.i > 0 and doc[token.i - 1].text[:1].isupper())
    )


def _bare_definite(token: Token) -> bool:
    """ "the company", not "the company's new plant" head or "a company"."""
    left = list(token.lefts)
    return (
        len(left) == 1
        and left[0].lower_ == "the"
        and not any(child.dep_ in {"prep", "relcl", "acl", "appos"} for child in token.rights)
    )


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

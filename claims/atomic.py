"""Stages 2 and 3 of extraction: one sentence → atomic claims, each made self-contained.

A claim is a clause of spaCy's dependency parse: the sentence's main clause, a coordinated
clause ("… and charged with fraud"), a non-restrictive relative clause ("the mayor, who took
office in 2019, …") or participle ("the bridge, built in 1932, …"), or a contrasting clause
("…, while exports rose"). Shared material a clause leans on (its subject, auxiliary, the
"X said" frame around it, the noun a relative clause describes) is copied into its text; the
quote is the smallest span of the body holding the clause's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

_VERBS = {"VERB", "AUX"}
_SUBJECTS = {"nsubj", "nsubjpass", "expl", "csubj"}
_CONTRAST_MARKERS = {"while", "whereas", "although", "though"}
_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
# "the planet, named X," identifies rather than states a fact of its own.
_NAMING_VERBS = {"name", "call", "dub", "nickname", "title", "know", "label"}
_CLAUSE_PUNCTUATION = {",", "(", ")", "\u2014", "\u2013", ";", ":"}
_OPEN_QUOTES = '“"\u2018«'
_CLOSE_QUOTES = '”"\u2019»'

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
    return entity.root.dep_ in _SUBJECTS or (
        entity.root.dep_ == "compound" and entity.root.head.dep_ in _SUBJECTS
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


@dataclass
class AtomicClaim:
    tokens: list[Token]  # in text order, shared words first
    own: list[Token]  # the clause's own words: they define the quote span
    replacements: dict[int, str] = field(default_factory=dict)  # token index → rewritten words
    quote_start: int = 0  # character offsets within the sentence
    quote_end: int = 0
    past_tense: bool = False

    def source_text(self) -> str:
        """The claim's own words as written, a space where words were left out between them."""
        parts = []
        for position, token in enumerate(self.tokens):
            following = self.tokens[position + 1] if position + 1 < len(self.tokens) else None
            adjacent = following is None or following.i == token.i + 1
            parts.append(token.text + (token.whitespace_ if adjacent else " "))
        return "".join(parts)

    def render(self) -> str:
        """The claim's text; keeps a question or exclamation mark that closes its sentence."""
        parts = []
        for position, token in enumerate(self.tokens):
            word = self.replacements.get(token.i, token.text)
            following = self.tokens[position + 1] if position + 1 < len(self.tokens) else None
            adjacent = following is None or following.i == token.i + 1
            parts.append(word + (token.whitespace_ if adjacent else " "))
        if self.tokens:
            closing = self.tokens[-1].doc[self.tokens[-1].i + 1 : self.tokens[-1].i + 2].text
            if closing in {"?", "!"}:
                parts.append(closing)
        return tidy("".join(parts))


def tidy(text: str) -> str:
    """Readable text from re-joined tokens: no doubled or dangling punctuation, a capital, a stop."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.;:!?%])", r"\1", text)
    text = re.sub(r"([,;:])(\s*[,;:])+", r"\1", text)
    text = re.sub(r"^[\s,;:.\-\u2013—]+|[\s,;:\-\u2013—]+$", "", text)
    text = re.sub(r"^(and|but|or|so|then)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r",\s*([.!?])$", r"\1", text)
    if text.count("(") > text.count(")"):
        text = re.sub(r"([.!?]?)$", r")\1", text, count=1)
    if _unbalanced_quotes(text):
        text = text.strip(_OPEN_QUOTES + _CLOSE_QUOTES).strip()
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in '.!?”"\u2019':
        text += "."
    return text


def _unbalanced_quotes(text: str) -> bool:
    return sum(text.count(mark) for mark in "“”") % 2 == 1 or text.count('"') % 2 == 1


# ---------------------------------------------------------------- splitting


def inside_quotation(token: Token) -> bool:
    mask = token.doc.user_data.get("inside_quotation")
    if mask is None:
        mask = token.doc.user_data["inside_quotation"] = _quotation_mask(token.doc)
    return bool(mask[token.i])


def _quotation_mask(doc: Doc) -> list[bool]:
    """Per token: whether it stands between opening and closing quotation marks."""
    mask = []
    # A quotation can open in an earlier sentence of the paragraph (set by the caller).
    depth, straight = (1, False) if doc.user_data.get("opens_inside_quotation") else (0, False)
    for token in doc:
        mask.append(depth > 0 or straight)
        for mark in token.text:
            if mark in "“«":
                depth += 1
            elif mark in "”»":
                depth = max(0, depth - 1)
            elif mark == '"':
                straight = not straight
    return mask


def _has_content(head: Token) -> bool:
    return any(child.dep_ not in {"cc", "punct", "aux", "auxpass", "neg"} for child in head.children)


def _comma_before(token: Token) -> bool:
    first = token.left_edge
    return first.i > 0 and token.doc[first.i - 1].text in {",", "—", "\u2013", "("}


def clause_heads(doc: Doc) -> list[Token]:
    """Heads of the clauses that become claims of their own, main clauses first."""
    heads: list[Token] = []
    for token in doc:
        if token.dep_ == "ROOT":
            heads.append(token)
        elif inside_quotation(token):
            continue
        elif token.dep_ == "conj" and token.pos_ in _VERBS and token.head.pos_ in _VERBS:
            if _has_content(token):
                heads.append(token)
        elif token.dep_ == "relcl" and token.pos_ in _VERBS and _comma_before(token):
            if token.head.pos_ in {"NOUN", "PROPN", "PRON", "NUM"}:
                heads.append(token)
        elif token.dep_ == "acl" and token.tag_ == "VBN" and _comma_before(token) and _has_content(token):
            if token.lemma_.lower() not in _NAMING_VERBS:
                heads.append(token)
        elif token.dep_ == "advcl" and _contrast(token):
            heads.append(token)
    return heads


def _contrast(token: Token) -> bool:
    markers = {child.lower_ for child in token.children if child.dep_ == "mark"}
    has_subject = any(child.dep_ in _SUBJECTS for child in token.children)
    return bool(markers & _CONTRAST_MARKERS) and has_subject


def split_sentence(doc: Doc) -> list[AtomicClaim]:
    heads = clause_heads(doc)
    head_set = {head.i for head in heads}
    claims = []
    for head in heads:
        own = _own_tokens(head, head_set)
        if not any(not token.is_punct for token in own):
            continue
        shared = _shared_tokens(head, own)
        tokens = sorted(set(shared) | set(own), key=lambda token: token.i)
        if head.dep_ in {"relcl", "acl"}:
            tokens = _relative_clause_tokens(head, own)
        claim = AtomicClaim(tokens=tokens, own=own, past_tense=_past_tense(head))
        _set_quote(claim, head, own)
        if head.dep_ == "relcl":
            _rewrite_relative_pronoun(claim, head)
        elif head.dep_ == "acl":
            claim.replacements[head.i] = ("were " if _plural(head.head) else "was ") + head.text
        claims.append(claim)
    return claims


def _own_tokens(head: Token, head_set: set[int]) -> list[Token]:
    """The head's subtree without the other claims nested in it and the words that joined them."""
    removed: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.i in head_set:
            removed.update(t.i for t in token.subtree)
            removed.update(sibling.i for sibling in token.head.children if sibling.dep_ in {"cc", "preconj"})
            removed.update(_joining_punctuation(token))
    own = [token for token in head.subtree if token.i not in removed]
    if head.dep_ == "conj":
        own = [token for token in own if not (token.dep_ in {"cc", "punct"} and token.head == head)]
    if head.dep_ == "advcl":
        own = [token for token in own if not (token.dep_ == "mark" and token.head == head)]
    return _trim(own)


def _joining_punctuation(clause: Token) -> list[int]:
    """The comma before a removed clause (and the one closing a parenthetical)."""
    doc = clause.doc
    left, right = clause.left_edge.i, clause.right_edge.i
    found = [left - 1] if left > 0 and doc[left - 1].is_punct and doc[left - 1].text != "”" else []
    if right + 1 < len(doc) and doc[right + 1].text in {",", "—", "\u2013", ")"} and clause.dep_ != "conj":
        found.append(right + 1)
    return found


def _trim(tokens: list[Token]) -> list[Token]:
    keep_closing = set(_CLOSE_QUOTES) | {")", "%"}
    while tokens and ((tokens[0].is_punct and tokens[0].text not in _OPEN_QUOTES) or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (
        (tokens[-1].is_punct and tokens[-1].text not in keep_closing) or tokens[-1].dep_ == "cc"
    ):
        tokens = tokens[:-1]
    return tokens


def _shared_tokens(head: Token, own: list[Token]) -> list[Token]:
    """Words a coordinated clause borrows from the clause it hangs on: subject, auxiliary, frame."""
    if head.dep_ != "conj" or any(child.dep_ in _SUBJECTS for child in head.children):
        return []
    anchor = head
    while anchor.dep_ == "conj" and anchor.head.pos_ in _VERBS:
        anchor = anchor.head
    # A finite verb joined to an infinitive ("wanted him to defect and organized …") is the
    # parser attaching too low: it shares the governing clause's subject, not the infinitive's frame.
    while anchor.dep_ in {"xcomp", "ccomp"} and anchor.tag_ == "VB" and head.tag_ in {"VBD", "VBZ", "VBP"}:
        anchor = anchor.head
    # "said the figures were disappointing but blamed strikes": a lexical verb is not coordinated
    # with a reported copula but with the reporting verb.
    if anchor.dep_ == "ccomp" and anchor.lemma_ == "be" and head.pos_ == "VERB" and head.tag_ == "VBD":
        anchor = anchor.head
    shared: list[Token] = []
    for child in anchor.children:
        if child.dep_ in _SUBJECTS:
            shared += [token for token in child.subtree if not _inside_clause(token, child)]
        elif (
            child.dep_ in {"aux", "auxpass", "neg"}
            and child.i < anchor.i
            and not any(own_child.dep_ in {"aux", "auxpass"} for own_child in head.children)
        ):
            shared.append(child)
    if anchor.dep_ in {"ccomp", "xcomp"} and anchor.head.pos_ in _VERBS:
        frame = anchor.head
        for child in frame.children:
            if child.dep_ in _SUBJECTS:
                shared += [token for token in child.subtree if not _inside_clause(token, child)]
        shared.append(frame)
        shared += [child for child in anchor.children if child.dep_ == "mark"]
    return shared


def _inside_clause(token: Token, root: Token) -> bool:
    """Whether the token belongs to a relative clause or apposition under root (left out of copies)."""
    node = token
    while node.i != root.i:
        if node.dep_ in {"relcl", "acl", "appos"} or node.text in _CLAUSE_PUNCTUATION:
            return True
        node = node.head
    return False


def _relative_clause_tokens(head: Token, own: list[Token]) -> list[Token]:
    antecedent = [
        token
        for token in head.head.subtree
        if not _under(token, head) and not _inside_clause(token, head.head)
    ]
    antecedent = [token for token in antecedent if token.i < head.left_edge.i or token.i == head.head.i]
    return _trim(antecedent) + own


def _under(token: Token, ancestor: Token) -> bool:
    return token.i == ancestor.i or ancestor in token.ancestors


def _rewrite_relative_pronoun(claim: AtomicClaim, head: Token) -> None:
    """ "the mayor, who took office" → "the mayor took office"; "whose son" → "the mayor's son"."""
    pronoun = next(
        (t for t in head.subtree if t.lower_ in _RELATIVE_PRONOUNS | {"whose", "where", "when"}), None
    )
    if pronoun is None:
        return
    antecedent = [t for t in claim.tokens if t.i < head.left_edge.i]
    antecedent_text = tidy("".join(t.text_with_ws for t in antecedent)).rstrip(".")
    if pronoun.lower_ == "whose":
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        claim.replacements[pronoun.i] = _possessive(antecedent_text)
    elif pronoun.lower_ in {"where", "when"}:
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        noun = head.head
        # "in 1998, when …" → "In 1998, …": reuse the preposition the antecedent came with.
        preposition = noun.head.text if noun.dep_ == "pobj" else "in" if pronoun.lower_ == "where" else "at"
        claim.replacements[pronoun.i] = f"{preposition.capitalize()} {_lower_first(antecedent_text)},"
    elif pronoun.dep_ in _SUBJECTS:
        claim.tokens = [t for t in claim.tokens if t.i != pronoun.i]
    elif pronoun.dep_ == "pobj":  # "a camp, from which she escaped" → "from a camp she escaped"
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        claim.replacements[pronoun.i] = _lower_first(antecedent_text)
    else:  # "the report, which she published" → "she published the report"
        claim.tokens = [t for t in claim.tokens if t not in antecedent and t.i != pronoun.i]
        verb = pronoun.head if pronoun.head.pos_ in _VERBS else head
        claim.replacements[verb.i] = verb.text + " " + _lower_first(antecedent_text)


def _possessive(name: str) -> str:
    return name + ("\u2019" if name.endswith("s") else "\u2019s")


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return (
        text[0].lower() + text[1:]
        if first.lower()
        in {"the", "a", "an", "this", "that", "her", "his", "their", "its", "our", "my", "your"}
        else text
    )


def _plural(token: Token) -> bool:
    return token.tag_ in {"NNS", "NNPS"}


def _past_tense(head: Token) -> bool:
    auxiliaries = {child.lower_ for child in head.children if child.dep_ in {"aux", "auxpass"}}
    if auxiliaries & {"will", "would", "shall", "'ll", "may", "might", "could", "can", "should"}:
        return False
    if auxiliaries & {"was", "were", "had", "did", "has", "have", "been"}:
        return True
    # "is scheduled", "are expected": a present passive, not a past event
    return head.tag_ == "VBD" or (head.tag_ == "VBN" and not auxiliaries & {"is", "are", "am", "be", "'s"})


def _set_quote(claim: AtomicClaim, head: Token, own: list[Token]) -> None:
    span_tokens = own
    if head.dep_ in {"relcl", "acl"}:
        span_tokens = [t for t in claim.tokens if t.i < head.i and t.i not in claim.replacements] + own
    first = min(span_tokens, key=lambda t: t.i)
    last = max(span_tokens, key=lambda t: t.i)
    claim.quote_start = first.idx
    claim.quote_end = last.idx + len(last.text)


# ---------------------------------------------------------------- self-contained text


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
        return _possessive(person) if token.tag_ == "PRP$" or word == "hers" else person
    if word in {"it", "its"} and token.dep_ in {"nsubj", "nsubjpass", "poss"}:
        thing = _it_reference(token, doc, memory)
        if thing:
            return _possessive(thing) if word == "its" else thing
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
    local_subjects = [c for c in clause.children if c.dep_ in _SUBJECTS and c.i != token.i]
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
    return next((c for c in root.children if c.dep_ in _SUBJECTS), None) if root is not None else None


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
    words = [t for t in subject.subtree if not _inside_clause(t, subject)]
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

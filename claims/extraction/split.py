"""Stage 3: spaCy's dependency parse turns a compound sentence into atomic clauses: coordinated
and contrasting clauses, clauses introduced by "after" or "because", non-restrictive relative clauses
(and restrictive ones telling a past fact of something introduced with "a"), participles, and a
participle opening the sentence.

Every claim is a whole clause (issue 16): a relative clause or participle takes the noun it
describes as subject; a coordinated verb keeps the subject, auxiliaries, negation and reporting
frame of the clause it came from; a piece that still lacks a subject or a finite verb stays inside
the larger claim.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from claims.extraction.atoms import CLOSE_QUOTES, OPEN_QUOTES, AtomicClaim, inside_quotation, tidy

_VERBS = {"VERB", "AUX"}


SUBJECTS = {"nsubj", "nsubjpass", "expl", "csubj"}


_CONTRAST_MARKERS = {"while", "whereas", "although", "though"}


# A clause these introduce is asserted by the sentence (unlike "if", "before", "until").
_ASSERTED_MARKERS = {"after", "because"}


_NOMINALS = {"NOUN", "PROPN", "PRON", "NUM"}


_RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}


# "the planet, named X," identifies rather than states a fact of its own.
_NAMING_VERBS = {"name", "call", "dub", "nickname", "title", "know", "label"}


# Prepositions that still fit when the noun they came with is reused for "where" or "when".
_PLACE_OR_TIME = {"in", "at", "on", "near", "inside", "outside", "within", "during"}


_CLAUSE_PUNCTUATION = {",", "(", ")", "\u2014", "\u2013", ";", ":"}


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
            if _has_content(token) or _own_auxiliary(token):
                heads.append(token)
        elif token.dep_ == "relcl" and token.pos_ in _VERBS and token.head.pos_ in _NOMINALS:
            if _comma_before(token) or _appositive_host(token) is not None or _introduces_with_fact(token):
                heads.append(token)
        elif token.dep_ == "acl" and token.tag_ == "VBN" and _comma_before(token) and _has_content(token):
            if token.lemma_.lower() not in _NAMING_VERBS:
                heads.append(token)
        elif token.dep_ == "advcl" and (
            _contrast(token) or _asserted_reason(token) or _fronted_participle(token)
        ):
            heads.append(token)
    return _without_orphans(heads)


def _own_auxiliary(head: Token) -> bool:
    """ "would train … but would not be rushed": a verb with an auxiliary of its own says something."""
    return head.tag_ in {"VB", "VBN"} and any(child.dep_ in {"aux", "auxpass"} for child in head.children)


def _without_orphans(heads: list[Token]) -> list[Token]:
    """A verb coordinated inside a relative clause or participle is a claim only when that clause is:
    "the man who founded the firm and built …" stays one restrictive description."""
    kept = {head.i for head in heads}
    return [head for head in heads if head.dep_ != "conj" or not _inside_description(_anchor(head), kept)]


def _inside_description(anchor: Token, kept: set[int]) -> bool:
    """A relative clause or participle not split itself, whose subject is the noun it describes
    (not "After the war he served …", a clause the parser took for a relative one)."""
    return anchor.dep_ in {"relcl", "acl"} and anchor.i not in kept and _relative_subject(anchor)


def _first_conjunct(head: Token) -> Token:
    while head.dep_ == "conj" and head.head.pos_ in _VERBS:
        head = head.head
    return head


def _contrast(token: Token) -> bool:
    markers = {child.lower_ for child in token.children if child.dep_ == "mark"}
    has_subject = any(child.dep_ in SUBJECTS for child in token.children)
    return bool(markers & _CONTRAST_MARKERS) and has_subject


def _asserted_reason(token: Token) -> bool:
    """ "were treated in hospital after they were exposed to …": the main clause asserts the other.
    Only under the sentence's own verb; "since" and "when" clauses frame a figure and stay."""
    markers = {child.lower_ for child in token.children if child.dep_ == "mark"}
    has_subject = any(child.dep_ in SUBJECTS for child in token.children)
    main_subject = any(child.dep_ in SUBJECTS for child in token.head.children)  # else a misparse
    return token.head.dep_ == "ROOT" and bool(markers & _ASSERTED_MARKERS) and has_subject and main_subject


def _fronted_participle(token: Token) -> bool:
    """ "Working with the entomologist Martin Ross, she raised …": a participle opening the sentence
    tells something of the main clause's subject."""
    doc = token.doc
    opens = token.left_edge.i == token.sent.start and token.right_edge.i + 1 < len(doc)
    return (
        token.tag_ in {"VBG", "VBN"}
        and opens
        and doc[token.right_edge.i + 1].text == ","
        # "When told …", "If elected …": a subordinated participle may not be asserted at all
        and not any(
            child.dep_ in SUBJECTS | {"mark", "aux", "auxpass"} or child.tag_ in _RELATIVE_TAGS
            for child in token.children
        )
        and _has_content(token)
        and bool(_participle_subject(token))
    )


def _participle_subject(participle: Token) -> list[Token]:
    """The subject of the clause a fronted participle opens, as written (without appositions)."""
    for child in participle.head.children:
        after = child.dep_ in {"nsubj", "nsubjpass"} and child.i > participle.right_edge.i
        if after and child.pos_ in _NOMINALS and child.tag_ not in _RELATIVE_TAGS and child.lower_ != "there":
            return [token for token in child.subtree if not inside_clause(token, child)]
    return []


def _be(subject: list[Token], past: bool) -> str:
    """ "was" or "were" ("is", "are") agreeing with a subject."""
    root = next((token for token in subject if token.head not in subject), subject[0])
    plural = (
        root.tag_ in {"NNS", "NNPS"}
        or root.lower_ in {"they", "we", "you"}
        or any(child.dep_ == "conj" for child in root.children)
    )
    if past:
        return "were" if plural else "was"
    return "are" if plural else "am" if root.lower_ == "i" else "is"


def _introduces_with_fact(relative: Token) -> bool:
    """ "A driver who hit a cyclist has been jailed", "started a petition that was signed by 2,400
    people": a past event told of something the text introduces with "a" is a fact of its own. A
    present one is usually a definition ("a brewer who stops tasting is an accountant") and stays."""
    noun = relative.head
    after_comma = noun.left_edge.i > 0 and noun.doc[noun.left_edge.i - 1].text == ","
    if noun.dep_ not in {"nsubj", "nsubjpass", "dobj", "pobj"} or after_comma:
        return False  # "a utopia, an illusion that was shattered" describes what was named before it
    indefinite = any(child.dep_ == "det" and child.lower_ in {"a", "an"} for child in noun.children)
    # With its relative word: "a plot point in the series she developed" is the parser guessing.
    introduced = relative.left_edge.tag_ in _RELATIVE_TAGS or relative.left_edge.lower_ == "that"
    return indefinite and introduced and _past_tense(relative)


def _misattached_to_name(relative: Token) -> bool:
    """ "Yuki Tanaka, a biologist at Kyoto University who was not involved": "who" means the person
    the apposition describes, not the institution the parser attached it to."""
    return _appositive_host(relative) is not None and relative.head.dep_ != "appos"


def _appositive_host(relative: Token) -> Token | None:
    """The name an apposition describes, when the relative clause hangs on that apposition:
    "Gabor Varga, a pastor who …", not "a utopia, an illusion that …"."""
    noun = relative.head
    appositive = noun
    pronoun = {child.lower_ for child in relative.children if child.dep_ in SUBJECTS}
    preposition = noun.head
    if pronoun == {"who"} and noun.dep_ == "pobj" and noun.pos_ == "PROPN" and preposition.dep_ == "prep":
        appositive = preposition.head
    if appositive.dep_ == "appos" and appositive.head.pos_ == "PROPN":
        return appositive.head
    return None


def split_sentence(doc: Doc) -> list[AtomicClaim]:
    """Atomic claims, each a whole clause: a split that would leave a piece without a subject or a
    finite verb ("Who pushes …", "Promising to …", "That the two had agreed …") is not made, and
    the piece stays inside the larger claim. When the parser made a subordinate clause the root
    ("When he finally confessed …, he was taken to a camp"), the sentence stays one claim."""
    heads = clause_heads(doc)
    while True:
        claims = _claims_for(heads)
        fragments = {
            head.i for head, claim in claims if head.dep_ != "ROOT" and not _whole_clause(claim, head)
        }
        if fragments:
            heads = _without_orphans([head for head in heads if head.i not in fragments])
            continue
        subordinate = {
            head.sent.start
            for head, claim in claims
            if head.dep_ == "ROOT" and _opens_own_clause(claim, head)
        }
        unsplit = [head for head in heads if head.dep_ != "ROOT" and head.sent.start in subordinate]
        if not unsplit:
            return [claim for _, claim in claims]
        heads = [head for head in heads if head not in unsplit]


_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_FINITE_BE = ("was ", "were ", "is ", "are ", "am ")
# Relative and interrogative words by tag: "that" the determiner ("That changed …") is no relative.
_RELATIVE_TAGS = {"WDT", "WP", "WP$", "WRB"}


def _whole_clause(claim: AtomicClaim, head: Token) -> bool:
    """A subject and a finite verb of the head's own clause, and no subordinating word left without
    the verb it hangs on ("Only because they cut …")."""
    if _opens_own_clause(claim, head) or _dangling_mark(claim, head):
        return False
    clause = _clause_of(head)
    return _finite(claim, head, clause) and _has_subject(claim, head, clause)


def _opens_own_clause(claim: AtomicClaim, head: Token) -> bool:
    """ "Who pushes …", "When he finally confessed …", "During which …": the claim opens with the
    relative or subordinating word of its own clause ("As the years passed, the leader …" opens
    with another clause's). For a root only relative words count: the small model calls the
    preposition of "After the war he served" a subordinating mark."""
    words = [
        token for token in claim.tokens if claim.replacements.get(token.i, token.text) and not token.is_punct
    ]
    if not words:
        return True
    first = words[0]
    opener = first.tag_ in _RELATIVE_TAGS or (first.dep_ == "mark" and head.dep_ != "ROOT")
    own = first.head == head or (first.head.dep_ == "prep" and first.head.head == head)
    return first.i not in claim.replacements and opener and own


def _dangling_mark(claim: AtomicClaim, head: Token) -> bool:
    """A "that", "because" … of the head kept in the claim without a verb before it that governs it."""
    present = {token.i for token in claim.tokens}
    for mark in head.children:
        if mark.dep_ == "mark" and mark.i in present and mark.i not in claim.replacements:
            governing = [t for t in claim.tokens if t.i < mark.i and t.pos_ in _VERBS and t in head.ancestors]
            if not governing:
                return True
    return False


def _clause_of(head: Token) -> Token:
    """The verb whose subject and auxiliaries the head's claim uses: itself, or the clause a
    coordinated verb without a subject of its own borrows them from."""
    if any(child.dep_ in SUBJECTS for child in head.children):
        return head
    if head.dep_ == "advcl" and head.tag_ in {"VBG", "VBN"}:
        return head.head  # a fronted participle borrows the main clause's subject
    if head.dep_ != "conj":
        return head
    clause = _anchor(head)
    while clause.dep_ == "xcomp" and clause.tag_ == "VB" and clause.head.pos_ in _VERBS:
        clause = clause.head  # "would be used to pay … and fund …": the infinitives' governing clause
    return clause


def _finite(claim: AtomicClaim, head: Token, clause: Token) -> bool:
    if head.tag_ in _FINITE_TAGS or claim.replacements.get(head.i, "").startswith(_FINITE_BE):
        return True
    present = {token.i for token in claim.tokens}
    if clause.i != head.i and clause.i in present and clause.tag_ in _FINITE_TAGS:
        return True  # "She promised to cut … and to plant …": the infinitives' governing verb
    auxiliaries = [
        child
        for verb in {head, clause}
        for child in verb.children
        if child.dep_ in {"aux", "auxpass"} and child.i in present
    ]
    if any(auxiliary.tag_ in _FINITE_TAGS for auxiliary in auxiliaries):
        return True
    # The small model tags some simple pasts VBN and some present plurals VB ("Pennine listed on AIM").
    deps = {child.dep_ for child in head.children}
    return head.tag_ in {"VB", "VBN"} and "nsubj" in deps and not deps & {"aux", "auxpass"}


def _has_subject(claim: AtomicClaim, head: Token, clause: Token) -> bool:
    described = _anchor(head)
    if described.dep_ in {"relcl", "acl"} and any(token.i < described.left_edge.i for token in claim.tokens):
        return True  # the noun described stands before the clause's own words
    return any(
        token.dep_ in SUBJECTS and token.tag_ not in _RELATIVE_TAGS and token.head.i in {head.i, clause.i}
        for token in claim.tokens
    )


def _claims_for(heads: list[Token]) -> list[tuple[Token, AtomicClaim]]:
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
        participle_subject = _participle_subject(head) if _fronted_participle(head) else []
        if participle_subject:
            tokens = participle_subject + own  # "she was working with …": the subject comes first
        claim = AtomicClaim(tokens=tokens, own=own, past_tense=_past_tense(head))
        _set_quote(claim, head, own)
        described = _anchor(head)  # a verb coordinated in a participle is a participle too
        if head.dep_ == "relcl":
            _rewrite_relative_pronoun(claim, head)
        elif participle_subject:
            word = head.lower_ if head.i == head.sent.start else head.text
            claim.replacements[head.i] = f"{_be(participle_subject, _past_tense(head.head))} {word}"
        elif described.dep_ == "acl" and not _own_auxiliary(head):
            claim.replacements[head.i] = ("were " if _plural(described.head) else "was ") + head.text
        claims.append((head, claim))
    return claims


def _own_tokens(head: Token, head_set: set[int]) -> list[Token]:
    """The head's subtree without the other claims nested in it and the words that joined them."""
    removed: set[int] = set()
    for token in head.subtree:
        if token.i != head.i and token.i in head_set:
            removed.update(t.i for t in token.subtree)
            if token.dep_ == "conj":  # not the "and" of "A mother and daughter who stole …"
                removed.update(
                    sibling.i for sibling in token.head.children if sibling.dep_ in {"cc", "preconj"}
                )
            removed.update(_joining_punctuation(token))
    own = [token for token in head.subtree if token.i not in removed]
    if head.dep_ == "conj":  # the "and" and comma before it; commas inside the clause stay
        first_word = min((token.i for token in own if token.dep_ not in {"cc", "punct"}), default=head.i)
        own = [
            token
            for token in own
            if not (token.dep_ in {"cc", "punct"} and token.head == head and token.i < first_word)
        ]
    if head.dep_ == "advcl":  # "a week after his father watched …" → "his father watched …"
        marks = [child for child in head.children if child.dep_ == "mark"]
        own = [token for token in own if not any(_under(token, mark) for mark in marks)]
    return _trim(own)


def _joining_punctuation(clause: Token) -> list[int]:
    """The comma before a removed clause (and the one closing a parenthetical)."""
    doc = clause.doc
    left, right = clause.left_edge.i, clause.right_edge.i
    opening = left > 0 and doc[left - 1].is_punct and doc[left - 1].text not in {"”", ")"}
    found = [left - 1] if opening else []
    # Without an opening mark the comma after closes something else: "Noah Fenwick, the striker who
    # scored 31 goals, has signed" keeps the apposition's closing comma.
    closing = right + 1 < len(doc) and doc[right + 1].text in {",", "—", "\u2013", ")"}
    if closing and clause.dep_ != "conj" and (found or clause.dep_ == "advcl"):
        found.append(right + 1)
    return found


def _trim(tokens: list[Token]) -> list[Token]:
    keep_closing = set(CLOSE_QUOTES) | {")", "%"}
    while tokens and ((tokens[0].is_punct and tokens[0].text not in OPEN_QUOTES) or tokens[0].dep_ == "cc"):
        tokens = tokens[1:]
    while tokens and (
        (tokens[-1].is_punct and tokens[-1].text not in keep_closing) or tokens[-1].dep_ == "cc"
    ):
        tokens = tokens[:-1]
    return tokens


def _shared_tokens(head: Token, own: list[Token]) -> list[Token]:
    """Words a coordinated clause borrows from the clause it hangs on: subject, auxiliaries and
    negation, the reporting frame ("Officials said the dam was …"), or the noun a relative clause
    or participle describes ("Walter Hume, who founded … and built …" → "Walter Hume built …")."""
    if head.dep_ != "conj":
        return []
    anchor = _anchor(head)
    if any(child.dep_ in SUBJECTS for child in head.children):
        # "said the party had paid … and that the leader would publish …": the reporting frame
        reported = any(child.dep_ == "mark" and child.lower_ in _REPORTED_MARKS for child in head.children)
        if not reported or anchor.dep_ != "ccomp":
            return []
        frame = [token for token in _frame(anchor) if not (token.dep_ == "mark" and token.head == anchor)]
        # "gave the song a B rating, saying that … and that he doesn't believe …": a frame without a
        # speaker would leave "Saying that he …"; the piece stays inside the larger claim.
        speaker = any(token.dep_ in SUBJECTS and token.tag_ not in _RELATIVE_TAGS for token in frame)
        return frame if speaker else []
    # A present verb ("has lost … and now weighs") takes no auxiliary or negation of the other's
    # (a past one may be a participle the tagger took for a past: "had tested … and found").
    borrows = head.tag_ not in {"VBZ", "VBP", "MD"} and not any(
        child.dep_ in {"aux", "auxpass"} for child in head.children
    )
    auxiliaries = [
        child
        for child in anchor.children
        if borrows and child.dep_ in {"aux", "auxpass", "neg"} and child.i < anchor.i
    ]
    if anchor.dep_ in {"relcl", "acl"} and _relative_subject(anchor):
        return _antecedent(anchor) + auxiliaries  # "who was arrested … and charged …"
    subject = [
        token
        for child in anchor.children
        if child.dep_ in SUBJECTS
        for token in child.subtree
        if not inside_clause(token, child)
    ]
    return subject + auxiliaries + _frame(anchor)


_REPORTED_MARKS = {"that", "whether", "if"}


def _anchor(head: Token) -> Token:
    """The clause a coordinated verb is joined to, where the parser's attachment is known to mislead."""
    if head.dep_ != "conj":
        return head
    anchor = _first_conjunct(head)
    # "said the party had “drifted from the values my father fought for” and promised …": a past
    # verb outside a quotation is not coordinated with one inside it, but with the verb quoting it.
    # ("… had “listened to the town” and would look for …" keeps the reported clause: "would" is its.)
    parallel = head.tag_ == "VBD" and not any(
        child.dep_ in SUBJECTS | {"aux", "auxpass"} for child in head.children
    )
    while parallel and inside_quotation(anchor) and not inside_quotation(head) and anchor.dep_ != "ROOT":
        anchor = anchor.head
    # A finite verb joined to an infinitive ("wanted him to defect and organized …") is the
    # parser attaching too low: it shares the governing clause's subject, not the infinitive's frame.
    while anchor.dep_ in {"xcomp", "ccomp"} and anchor.tag_ == "VB" and head.tag_ in {"VBD", "VBZ", "VBP"}:
        anchor = anchor.head
    # "said the figures were disappointing but blamed strikes": a lexical verb is not coordinated
    # with a reported copula but with the reporting verb.
    if anchor.dep_ == "ccomp" and anchor.lemma_ == "be" and head.pos_ == "VERB" and head.tag_ == "VBD":
        anchor = anchor.head
    # "It is estimated that he was 1.60 meters tall and weighed 22 stone": a past verb is not
    # coordinated with the impersonal passive but with the clause it reports.
    impersonal = any(child.dep_ in SUBJECTS and child.lower_ == "it" for child in anchor.children)
    if head.tag_ == "VBD" and impersonal and any(child.dep_ == "auxpass" for child in anchor.children):
        reported = [child for child in anchor.children if child.dep_ == "ccomp" and child.i < head.i]
        anchor = reported[-1] if reported else anchor
    return anchor


def _frame(clause: Token) -> list[Token]:
    """The clauses a complement clause is reported or embedded in, up to the sentence's verb, with
    their subjects, auxiliaries and negation: "He said the proceeds would be used to (fund …)"."""
    frame: list[Token] = []
    node = clause
    while node.dep_ in {"ccomp", "xcomp"} and node.head.pos_ in _VERBS:
        verb = node.head
        frame += [child for child in node.children if child.dep_ == "mark"]
        for child in verb.children:
            if child.dep_ in SUBJECTS:
                frame += [token for token in child.subtree if not inside_clause(token, child)]
            elif child.dep_ in {"aux", "auxpass", "neg"} and child.i < verb.i:
                frame.append(child)
        frame.append(verb)
        if node.dep_ == "xcomp" and node is not clause:
            frame += [child for child in node.children if child.dep_ == "aux" and child.i < node.i]
        node = verb
    return frame


def _relative_subject(clause: Token) -> bool:
    """A participle, or a relative clause whose pronoun is its subject ("who founded …")."""
    return clause.dep_ == "acl" or any(
        child.dep_ in SUBJECTS and child.lower_ in _RELATIVE_PRONOUNS for child in clause.children
    )


def inside_clause(token: Token, root: Token) -> bool:
    """Whether the token belongs to a relative clause or apposition under root (left out of copies)."""
    node = token
    while node.i != root.i:
        if node.dep_ in {"relcl", "acl", "appos"} or node.text in _CLAUSE_PUNCTUATION:
            return True
        node = node.head
    return False


def _relative_clause_tokens(head: Token, own: list[Token]) -> list[Token]:
    return _antecedent(head) + own


def _antecedent(clause: Token) -> list[Token]:
    """The noun phrase a relative clause or participle describes, as written before it; for one
    hanging on an apposition, the name the apposition describes."""
    host = _appositive_host(clause) if clause.dep_ == "relcl" else None
    # "a Czech engineer, Josef Novak, who …" → Josef Novak; "Gabor Varga, a pastor who …" → Gabor Varga
    noun = (
        host
        if host is not None and (clause.head.pos_ != "PROPN" or _misattached_to_name(clause))
        else clause.head
    )
    tokens = [token for token in noun.subtree if not _under(token, clause) and not inside_clause(token, noun)]
    return _trim([token for token in tokens if token.i < clause.left_edge.i or token.i == noun.i])


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
        claim.replacements[pronoun.i] = possessive(antecedent_text)
    elif pronoun.lower_ in {"where", "when"}:
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        noun = head.head
        # "in 1998, when …" → "In 1998, …": reuse the preposition the antecedent came with, when it
        # says where or when ("to Thailand, where they …" → "In Thailand, …"; "since November, when
        # …" → "In November, …").
        came_with = noun.head.lower_ if noun.dep_ == "pobj" else ""
        if came_with in _PLACE_OR_TIME:
            preposition = came_with
        else:
            preposition = "at" if pronoun.lower_ == "when" and not came_with else "in"
        claim.replacements[pronoun.i] = f"{preposition.capitalize()} {_lower_first(antecedent_text)},"
    elif pronoun.dep_ in SUBJECTS:
        claim.tokens = [t for t in claim.tokens if t.i != pronoun.i]
    elif pronoun.dep_ == "pobj":  # "a camp, from which she escaped" → "from a camp she escaped"
        claim.tokens = [t for t in claim.tokens if t not in antecedent]
        claim.replacements[pronoun.i] = _lower_first(antecedent_text)
    else:  # "the report, which she published" → "she published the report"
        claim.tokens = [t for t in claim.tokens if t not in antecedent and t.i != pronoun.i]
        verb = pronoun.head if pronoun.head.pos_ in _VERBS else head
        claim.replacements[verb.i] = verb.text + " " + _lower_first(antecedent_text)


def possessive(name: str) -> str:
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

"""What marks a photo caption: a credit line. Its own module, free of spaCy, so the extraction
stages and the embedding worker's check-worthiness cues share one pattern."""

import re

PHOTO_CREDIT = re.compile(
    r"^\s*(photo|photograph|picture|image|video|credit|source|illustration|graphic)s?\s*(by|:|/|credit)|"
    r"©|\b(getty images|shutterstock|reuters|afp|ap photo|associated press|alamy|pa wire|epa)\s*\.?$",
    re.IGNORECASE,
)

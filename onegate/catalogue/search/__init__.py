"""Finding services from the words people type, in English or Thai, misspelt or not.

The catalogue is small (tens to hundreds of services), so the whole index lives in memory, is
built once per catalogue revision (see ``selectors.catalogue_current``) and each query is a scan
of prepared strings plus a few fuzzy look-ups in a vocabulary; answers are memoised per query.

How a query is read:

* **Cleaning.** NFKC, case folding, Thai digits to 0-9, Thai characters normalised (pythainlp:
  doubled or misordered tone marks); anything that is not a letter, digit or Thai character
  (punctuation, control characters, lone surrogates, U+FFFD from bad bytes) becomes a space.
* **Terms.** Latin text splits on spaces. Thai has no spaces between words, so each Thai run is
  first tried whole (people type titles such as ``ต่ออายุใบขับขี่`` with or without spaces); only
  if no service contains it is it segmented into words with pythainlp's ``newmm``. Each term is
  looked up in the index of its own script, so English words work on Thai pages and vice versa.
* **Matching a term against a field**, best first: the same word; for Thai, the term inside the
  field's text with spaces removed, or the same with tone marks removed (a missing tone mark is
  the commonest Thai typo); for Latin, the start of a word (``pass`` → passport) or several
  words run together (``drivinglicence``); then words within a small edit distance found with
  rapidfuzz in the vocabulary (``pasport``, ``helth``, ``license`` for licence).
* **Ranking.** Each field has a weight: title over keywords over agency name over summary.
  A service scores the weighted share of the query it matches, rare terms counting more than
  common ones, plus a bonus when the query appears as a phrase in the title and a small one for
  how much of the title the query covers (so "Apply for a passport" beats "Report a lost or
  stolen passport" for "passport"). Ties go to popular services, then slug order.
* **Did you mean.** When a term matched only through a fuzzy correction, the corrected query is
  offered as a suggestion.
"""

from onegate.catalogue.search.index import SearchDocument, SearchHits, SearchIndex
from onegate.catalogue.search.text import clean, thai_words

__all__ = ["SearchDocument", "SearchHits", "SearchIndex", "clean", "thai_words"]

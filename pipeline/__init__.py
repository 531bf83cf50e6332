"""mena-ner: Arabic named-entity extraction and linking for Middle East news.

Stages, each a module or subpackage, data flowing one way:
clean -> tokenize -> ner -> link -> export.
"""

__version__ = "0.1.0"

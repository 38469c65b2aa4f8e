"""Personal-data detection: validators and recognizers, value shapes, the column classifier,
the Presidio/NER stage, masking of examples, the detection configuration.
"""

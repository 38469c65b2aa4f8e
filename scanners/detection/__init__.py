"""Personal-data detection: validators and recognizers, value shapes, the column classifier
(columns as the rules see them, the decision from coverage and priors, special categories),
the Presidio/NER stage, masking of examples, the detection configuration.
"""

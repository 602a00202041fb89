"""dozor's learned second opinion: a linear model over hashed character n-grams and words.

It reads what no word list catches — an insult by meaning, hate against a group without a slur,
an indirect threat, spam — and may only say `likely` or `possible`: it sends a message to a
moderator, it never strikes on its own (filters/detectors/learned.py). Its weights are data in
lexicons/_model/, trained by `dozor model train` (filters/learned/train.py) from
../shared/datasets/train/ and the lexicons' own examples, byte-for-byte reproducibly.

features.py  text → hashed feature ids, with where in the text each came from
weights.py   the shipped model: load, score, explain
train.py     the training command (scikit-learn, the `train` extra; never imported at run time)
"""

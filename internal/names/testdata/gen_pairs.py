#!/usr/bin/env python3
"""Builds pairs-dev.jsonl and pairs-heldout.jsonl from the public lists.

Positives: one listed individual's spellings (OFAC sdn.csv name beside its
alt.csv a.k.a. spellings that are letter-alike, so noms de guerre are left
out; UN NAME_ORIGINAL_SCRIPT beside the Latin name and its good-quality
aliases). Negatives: two different listed individuals whose names share a
part, or are letter-alike. Entities are split by a hash of their id: about
70% dev, 30% held-out (never tuned on). Only names from the public lists.

usage: python3 gen_pairs.py /path/to/corpora
"""
import csv, hashlib, json, random, re, sys, unicodedata
import xml.etree.ElementTree as ET
from difflib import SequenceMatcher

corpora = sys.argv[1]
rng = random.Random(13)

def split(key):
    return 'dev' if int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10 < 7 else 'heldout'

def natural(n):
    n = n.strip()
    if ', ' in n:
        last, first = n.split(', ', 1)
        return first + ' ' + last
    return n

def letters(s):
    s = unicodedata.normalize('NFKD', s.lower())
    return re.sub(r'[^a-z ]', '', s)

def alike(a, b):
    return SequenceMatcher(None, letters(a), letters(b)).ratio()

people = {}  # id -> list of Latin spellings (first is primary)
for row in csv.reader(open(f'{corpora}/ofac/sdn.csv', encoding='latin-1')):
    if len(row) > 2 and row[2].strip() == 'individual':
        people['ofac:' + row[0]] = [natural(row[1])]
for row in csv.reader(open(f'{corpora}/ofac/alt.csv', encoding='latin-1')):
    k = 'ofac:' + row[0]
    if k in people and len(row) > 3 and row[2].strip() == 'aka':
        people[k].append(natural(row[3]))

originals = {}
root = ET.parse(f'{corpora}/un/UN_consolidated.xml').getroot()
for ind in root.iter('INDIVIDUAL'):
    did = 'un:' + ind.findtext('DATAID')
    parts = [ind.findtext(t) or '' for t in ('FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME')]
    name = ' '.join(p.strip() for p in parts if p and p.strip())
    if not name:
        continue
    spell = [name]
    for a in ind.iter('INDIVIDUAL_ALIAS'):
        if (a.findtext('QUALITY') or '') == 'Good' and a.findtext('ALIAS_NAME'):
            spell.append(a.findtext('ALIAS_NAME').strip())
    people[did] = spell
    orig = (ind.findtext('NAME_ORIGINAL_SCRIPT') or '').strip()
    if orig:
        originals[did] = orig

TITLES = {'dr', 'colonel', 'general', 'sheikh', 'shaykh', 'mullah', 'maulana', 'haji', 'hajji', 'mr', 'mrs'}
def parts(n):
    return [t for t in letters(n.replace('-', ' ')).split() if t not in TITLES and len(t) > 1]

def spelling_of(a, b):
    """b spells the same name as a: as many parts, each letter-alike in order
    (a nom de guerre, another given name or a married name is left out)."""
    pa, pb = parts(a), parts(b)
    if not pa or len(pa) != len(pb) or pa == pb:
        return False
    return all(x == y or SequenceMatcher(None, x, y).ratio() >= 0.5 and x[0] in VOWELS_OR.get(y[0], y[0]) for x, y in zip(pa, pb))

# first letters that spell one sound across transliterations
VOWELS_OR = {c: 'aeiouy' for c in 'aeiouy'}
VOWELS_OR.update({'k': 'kqcg', 'q': 'qkg', 'c': 'ckqs', 'g': 'gjkq', 'j': 'jgydz', 'y': 'yjiea', 'z': 'zsd', 's': 'szc', 'd': 'dz', 'h': 'hk', 'x': 'xkshc', 'w': 'wvuo', 'v': 'vw', 'b': 'bp', 'p': 'pbf', 'f': 'fp', 't': 'tc'})

out = {'dev': [], 'heldout': []}
def add(a, b, match, note, key):
    if a and b and a.lower() != b.lower() and len(a) <= 120 and len(b) <= 120:
        out[split(key)].append({'a': a, 'b': b, 'match': match, 'note': note})

for k, sp in people.items():
    prim = sp[0]
    for alias in sp[1:]:
        # a spelling of the same name, not another name
        if spelling_of(prim, alias):
            add(prim, alias, True, 'listed spellings of one person', k)
    if k in originals:
        add(originals[k], prim, True, 'original script beside the Latin name', k)

# negatives: different people sharing a part (same split as the first)
byPart = {}
for k, sp in people.items():
    for p in set(letters(sp[0]).split()):
        if len(p) >= 4:
            byPart.setdefault(p, []).append(k)
keys = sorted(people)
negs = 0
for p, ks in sorted(byPart.items()):
    if 2 <= len(ks) <= 30:
        a, b = rng.sample(ks, 2)
        if a.split(':')[0] != b.split(':')[0]:
            continue  # one person may be on both lists
        na, nb = people[a][0], people[b][0]
        if sorted(parts(na)) != sorted(parts(nb)):
            add(na, nb, False, 'different people sharing a part', min(a, b))
            negs += 1
# hard negatives: different people whose names are letter-alike
for _ in range(40000):
    a, b = rng.sample(keys, 2)
    if a.split(':')[0] != b.split(':')[0]:
        continue  # one person may be on both lists
    na, nb = people[a][0], people[b][0]
    if sorted(parts(na)) == sorted(parts(nb)):
        continue
    if 0.8 <= alike(na, nb) < 1 and letters(na) != letters(nb):
        add(na, nb, False, 'different people, letter-alike names', min(a, b))
    if a in originals and b.startswith('un:') and rng.random() < 0.3:
        add(originals[a], nb, False, 'original script beside another person', min(a, b))

for part, rows in out.items():
    with open(f'pairs-{part}.jsonl', 'w') as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + '\n')
    print(part, len(rows), sum(r['match'] for r in rows), 'positives')

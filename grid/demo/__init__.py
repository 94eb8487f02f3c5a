"""The demo city and the benchmark province: Yangzhou's real names plus deterministic generators.

:mod:`grid.demo.names` holds the data (real districts and townships, syllable and name lists),
:mod:`grid.demo.plan` turns it into a plan of rows keyed by code (same rows every run), and
:mod:`grid.demo.load` writes whatever of a plan is missing in one transaction. The
``seed_demo`` command ties them together.
"""

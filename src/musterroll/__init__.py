"""musterroll: accounting for people in a war.

Lists of the killed, missing, captured, exchanged and repatriated are linked into one
register of persons; each person gets one status with its evidence; documented counts are
reported as of any date; multiple systems estimation gives the undocumented, with intervals.
"""

__version__ = "0.1.0"

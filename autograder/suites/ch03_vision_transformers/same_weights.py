"""A reference module and the student's, built with the same arguments and holding the same weights."""

import torch

from autograder import checks


def pair(student, reference, cls_name, *args, seed=0, double=False, randomise=()):
    """``(ours, theirs)``: ``reference.<cls_name>(*args)`` and ``student.<cls_name>(*args)`` with the
    reference's weights loaded into the student's module.

    ``randomise`` names reference parameters redrawn from N(0, 1) before the copy: small initial
    values (a position embedding, a bias table starting near 0, a LayerNorm at 1 and 0) could hide
    a wrong order or a wrong index. ``double`` turns both into float64 (for gradient checks).
    """
    torch.manual_seed(seed)
    ours, theirs = getattr(reference, cls_name)(*args), getattr(student, cls_name)(*args)
    with torch.no_grad():
        for name in randomise:
            ours.obj.get_parameter(name).normal_()
    if double:
        ours.obj.double()
        theirs.double()
    checks.copy_weights(theirs, ours)
    return ours, theirs

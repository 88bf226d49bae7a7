"""The maths core: layers, costs, optimisers, the network, gradient checks (NumPy only).

Also initialisers, schedules, metrics, stacks built from sizes or text, and diagnostics.
"""

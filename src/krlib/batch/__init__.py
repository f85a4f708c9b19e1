"""Stage 7, batch: ``krlib report``: options, the staging folder and its atomic
publication, where notebooks run (executors), warm kernels, the papermill engine, Ctrl-C.
"""

"""movement-check: objective movement tests from one camera for telehealth physical therapy.

The flow goes one way::

    clip or webcam -> video -> estimator -> tracking -> Poses
        -> cleaning -> assessments -> Result -> CLI JSON / report / app

Importing the package only defines things: no model is loaded, nothing is
written, no logging is configured.
"""

__version__ = "0.1.0"

"""Reports for instructors, computed from what learners did."""

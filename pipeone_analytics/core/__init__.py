"""Domain logic: set-based SQL over the store; every public function returns a documented DataFrame."""

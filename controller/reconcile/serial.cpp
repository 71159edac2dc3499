#include "controller/reconcile/serial.h"

namespace gitns::reconcile {

bool serial_greater(uint32_t a, uint32_t b) {
  // RFC 1982 3.2: i1 > i2 when (i1 < i2 and i2 - i1 > 2^31) or (i1 > i2 and i1 - i2 < 2^31).
  constexpr uint32_t half = uint32_t{1} << 31;
  return (a < b && b - a > half) || (a > b && a - b < half);
}

uint32_t serial_next(uint32_t s) { return s + 1; }

uint32_t candidate_serial(const SerialInput& in) {
  if (!in.automatic) return in.explicit_serial;
  if (!in.applied) return in.file_serial.value_or(1);
  uint32_t next = serial_next(*in.applied);
  if (in.file_serial && serial_greater(*in.file_serial, next)) return *in.file_serial;
  return next;
}

base::Result<SerialDecision> decide_serial(const SerialInput& in, uint32_t proposed,
                                           bool content_changed) {
  if (!in.applied) return SerialDecision{true, proposed};
  uint32_t applied = *in.applied;
  if (in.automatic) {
    // The proposed serial is applied + 1 (or more): only worth serving with new content.
    if (!content_changed) return SerialDecision{false, applied};
    return SerialDecision{true, proposed};
  }
  if (proposed == applied) {
    if (!content_changed) return SerialDecision{false, applied};
    return base::fail(
        base::Errc::semantic,
        "spec.serial is still " + std::to_string(proposed) +
            " but the zone's content changed: increase it (RFC 1982) or use serial: auto, "
            "or secondaries never transfer the change");
  }
  if (!serial_greater(proposed, applied)) {
    return base::fail(base::Errc::semantic, "spec.serial " + std::to_string(proposed) +
                                                " goes backwards from the served serial " +
                                                std::to_string(applied) +
                                                " (RFC 1982); it must increase");
  }
  return SerialDecision{true, proposed};
}

}  // namespace gitns::reconcile

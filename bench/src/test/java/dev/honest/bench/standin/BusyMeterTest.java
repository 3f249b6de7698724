package dev.honest.bench.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BusyMeterTest {
  private long now;
  private final BusyMeter meter = new BusyMeter(() -> now);

  @Test
  void busyTimeCountsOverlappingChatsOnceAndSlotTimeCountsEachChat() {
    now = 100;
    long a = meter.begin();
    now = 150;
    long b = meter.begin();
    now = 200;
    meter.end(a);
    now = 300;
    meter.end(b);

    BusyMeter.Snapshot s = meter.snapshot();
    assertThat(s.busyNanos()).isEqualTo(200);
    assertThat(s.slotNanos()).isEqualTo(100 + 150);
    assertThat(s.served()).isEqualTo(2);
    assertThat(s.maxInService()).isEqualTo(2);
    assertThat(s.inService()).isZero();
  }

  @Test
  void idleGapsBetweenChatsAreNotBusy() {
    now = 0;
    long a = meter.begin();
    now = 10;
    meter.end(a);
    now = 1_000;
    long b = meter.begin();
    now = 1_030;
    meter.end(b);

    assertThat(meter.snapshot().busyNanos()).isEqualTo(40);
    assertThat(meter.snapshot().maxInService()).isEqualTo(1);
  }

  @Test
  void aChatStillInServiceCountsAsBusyUpToNowButNotAsSlotTime() {
    now = 5;
    meter.begin();
    now = 25;

    BusyMeter.Snapshot s = meter.snapshot();
    assertThat(s.busyNanos()).isEqualTo(20);
    assertThat(s.slotNanos()).isZero();
    assertThat(s.inService()).isEqualTo(1);
  }

  @Test
  void endingMoreChatsThanBegunIsAnError() {
    assertThatThrownBy(() -> meter.end(0)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a matching begin");
  }
}

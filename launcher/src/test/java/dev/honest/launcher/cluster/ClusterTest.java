package dev.honest.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterTest {
  @Test
  void elapsedTimesReadLikeAClock() {
    assertThat(Cluster.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Cluster.human(Duration.ofSeconds(125))).isEqualTo("2m05s");
    assertThat(Cluster.human(Duration.ofSeconds(3723))).isEqualTo("1h02m03s");
  }

  @Test
  void theWorkerIndexIsTheNumberAtTheEndOfTheJobName() {
    assertThat(JobState.workerIndex("k8s-worker-12")).isEqualTo(12);
    assertThat(JobState.workerIndex("k8s-worker-x")).isZero();
  }
}

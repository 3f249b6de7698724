package dev.honest.common.version;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProjectVersionTest {
  @Test
  void isTheVersionOfTheProjectAsTheBuildKnowsIt() {
    assertThat(ProjectVersion.get()).isEqualTo(System.getProperty("project.version")).isNotBlank();
  }
}

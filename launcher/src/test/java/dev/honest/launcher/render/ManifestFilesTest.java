package dev.honest.launcher.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The files in the top-level manifests/ directory, exactly as kubectl and the launcher jar see them. */
@EnableKubernetesMockClient(crud = true, https = false)
class ManifestFilesTest {
  private static final Path MANIFESTS = Path.of("..", "manifests");

  KubernetesClient client;

  @Test
  void everyManifestFileIsKnownToTheRendererAndTravelsInTheJar() throws IOException {
    List<String> files = yamlFiles();

    assertThat(files).containsExactlyInAnyOrderElementsOf(Manifests.ALL);
    for (String file : files) {
      try (InputStream inJar = Manifests.class.getResourceAsStream("/manifests/" + file)) {
        assertThat(inJar).as(file).isNotNull();
        assertThat(inJar.readAllBytes()).as(file).isEqualTo(Files.readAllBytes(MANIFESTS.resolve(file)));
      }
    }
  }

  @Test
  void everyManifestLoadsIntoItsTypedClassWithoutUnknownFields() throws IOException {
    for (String file : yamlFiles()) {
      List<HasMetadata> objects = load(file);

      assertThat(objects).as(file).isNotEmpty();
      for (HasMetadata object : objects) {
        assertThat(object).as(file).isNotInstanceOf(GenericKubernetesResource.class);
        assertThat(UnknownFields.in(object)).as(file + " " + object.getMetadata().getName()).isEmpty();
      }
    }
    assertThat(load(Manifests.NAMESPACE)).singleElement().isInstanceOf(Namespace.class);
    assertThat(load(Manifests.OLLAMA_DEPLOYMENT)).singleElement().isInstanceOf(Deployment.class);
    assertThat(load(Manifests.OLLAMA_SERVICE)).singleElement().isInstanceOf(Service.class);
    assertThat(load(Manifests.OLLAMA_PODS_SERVICE)).singleElement().isInstanceOf(Service.class);
    assertThat(load(Manifests.WORKER_JOB)).singleElement().isInstanceOf(Job.class);
    assertThat(load(Manifests.NETWORK_POLICIES)).hasSize(5).allMatch(NetworkPolicy.class::isInstance);
    assertThat(load(Manifests.WORKER_ACCESS)).extracting(o -> o.getClass().getSimpleName())
        .containsExactly("ServiceAccount", "Role", "RoleBinding");
  }

  @Test
  void theStaticManifestsCanBeCreatedInACluster() throws IOException {
    for (String file : yamlFiles()) {
      for (HasMetadata object : load(file)) {
        client.resource(object).create();

        HasMetadata stored = client.resource(object).get();
        assertThat(stored).as(file).isNotNull();
        assertThat(UnknownFields.in(stored)).as(file).isEmpty();
      }
    }
    assertThat(client.network().networkPolicies().inNamespace("honest-orchestration").list().getItems()).hasSize(5);
  }

  @Test
  void aMisspeltFieldIsReportedAsUnknown() {
    Job job = Manifests.SERIALIZATION.unmarshal("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: j
        spec:
          completionMod: Indexed
          template:
            spec:
              containers:
                - name: c
                  imagePullPolice: Always
        """, Job.class);

    assertThat(UnknownFields.in(job)).containsExactlyInAnyOrder(
        "$.Spec: [completionMod]", "$.Spec.Template.Spec.Containers[0]: [imagePullPolice]");
  }

  private List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = Files.newInputStream(MANIFESTS.resolve(file))) {
      return client.load(in).items();
    }
  }

  /** Every YAML file under manifests/, relative to it, with '/' separators. */
  private static List<String> yamlFiles() throws IOException {
    try (Stream<Path> paths = Files.walk(MANIFESTS)) {
      return paths.filter(p -> p.toString().endsWith(".yaml"))
          .map(p -> MANIFESTS.relativize(p).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}

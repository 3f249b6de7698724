package dev.honest.launcher.render;

import static dev.honest.launcher.TestTasks.mixed;
import static org.assertj.core.api.Assertions.assertThat;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.task.Action;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rendered run, written to YAML and read back the way kubectl and the API server would. */
@EnableKubernetesMockClient(crud = true, https = false)
class RenderedRunTest {
  KubernetesClient client;

  @TempDir Path workspace;
  @TempDir Path out;

  private List<TaskSpec> tasks;
  private RenderedRun run;

  @BeforeEach
  void render() throws RenderException {
    tasks = mixed(workspace, 71, 21);
    run = new Renderer().render(RunSettings.builder("run-21", "registry.example/honest-worker:1.0").build(),
        tasks, workspace);
  }

  @Test
  void writeToProducesOneFilePerObjectKindAndOneJobFilePerWorker() throws IOException {
    run.writeTo(out);

    List<String> expected = new ArrayList<>(List.of("k8s-namespace.yaml", "ollama-deployment.yaml",
        "ollama-service.yaml", "ollama-pods-service.yaml", "orchestrator-configmap.yaml", "k8s-networkpolicy.yaml",
        "k8s-rbac.yaml", "plan.json"));
    IntStream.rangeClosed(1, 12).forEach(n -> expected.add("k8s-worker-" + n + "-job.yaml"));
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(expected);
    }
    assertThat(Files.readString(out.resolve("plan.json"))).isEqualTo(ConfigLayout.toJson(run.plan()));
  }

  /** `kubectl apply -f out/` must not start the Jobs of an earlier, larger render into the same directory. */
  @Test
  void writingASmallerRunRemovesTheJobFilesOfTheWorkersItDoesNotHave() throws Exception {
    run.writeTo(out);
    RenderedRun smaller = new Renderer().render(
        RunSettings.builder("run-22", "registry.example/honest-worker:1.0").workers(4).build(), tasks, workspace);

    smaller.writeTo(out);

    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-job.yaml")))
          .containsExactlyInAnyOrder("k8s-worker-1-job.yaml", "k8s-worker-2-job.yaml", "k8s-worker-3-job.yaml",
              "k8s-worker-4-job.yaml");
    }
  }

  @Test
  void everyWrittenObjectLoadsBackTypedEqualAndWithoutUnknownFields() throws IOException {
    run.writeTo(out);

    assertThat(load("k8s-namespace.yaml")).containsExactly(run.namespace());
    assertThat(load("ollama-deployment.yaml")).containsExactly(run.deployment());
    assertThat(load("ollama-service.yaml")).containsExactly(run.service());
    assertThat(load("ollama-pods-service.yaml")).containsExactly(run.podsService());
    assertThat(load("orchestrator-configmap.yaml")).containsExactlyElementsOf(run.configMaps());
    assertThat(load("k8s-networkpolicy.yaml")).containsExactlyElementsOf(run.networkPolicies());
    assertThat(load("k8s-rbac.yaml")).containsExactlyElementsOf(run.workerAccess());
    for (int n = 1; n <= 12; n++) {
      assertThat(load("k8s-worker-" + n + "-job.yaml")).containsExactly(run.jobs().get(n - 1));
    }
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        for (HasMetadata object : load(file.getFileName().toString())) {
          assertThat(object).as(file.toString()).isNotInstanceOf(GenericKubernetesResource.class);
          assertThat(UnknownFields.in(object)).as(file.toString()).isEmpty();
        }
      }
    }
  }

  @Test
  void everyRenderedObjectIsCreatedInTheClusterAndReadBackUnchanged() {
    List<HasMetadata> all = new ArrayList<>();
    all.add(run.namespace());
    all.addAll(run.namespacedObjects());

    for (HasMetadata object : all) {
      client.resource(object).create();
    }

    for (HasMetadata object : all) {
      HasMetadata stored = client.resource(object).get();
      assertThat(UnknownFields.in(stored)).as(object.getMetadata().getName()).isEmpty();
      assertThat(json(withoutServerFields(stored))).as(object.getMetadata().getName()).isEqualTo(json(object));
    }
    String ns = run.namespace().getMetadata().getName();
    assertThat(client.batch().v1().jobs().inNamespace(ns)
        .withLabel("app.kubernetes.io/instance", "run-21").list().getItems()).hasSize(12);
  }

  @Test
  void objectsAreAppliedPoliciesFirstThenWorkerAccessAndConfigThenOllamaThenWorkers() {
    List<Class<?>> kinds = run.namespacedObjects().stream().<Class<?>>map(Object::getClass).distinct().toList();

    assertThat(kinds).containsExactly(NetworkPolicy.class, ServiceAccount.class, Role.class, RoleBinding.class,
        ConfigMap.class, Service.class, Deployment.class, Job.class);
    assertThat(run.namespacedObjects()).doesNotHaveAnyElementsOfTypes(Namespace.class);
  }

  /**
   * Text from a spreadsheet can hold C1 control characters (a Windows-1252 quote read as Latin-1 is
   * U+0092) and the characters YAML 1.1, which kubectl reads manifests with, takes as line breaks
   * (U+0085, U+2028, U+2029). Written raw into a JSON document of the YAML stream, the first make
   * YAML parsers refuse the whole file ("special characters are not allowed"), the others are folded
   * into spaces; escaped, the ConfigMap reads back as rendered.
   */
  @Test
  void taskTextWithCharactersYamlDoesNotAllowRawIsWrittenEscapedAndLoadsBackUnchanged() throws Exception {
    List<TaskSpec> odd = List.of(new TaskSpec("T-1", "Don\u0092t trust the \u0093name\u0094",
        "a\u007fb \u0085 c \u2028 d \u2029 e", Priority.HIGH, "", "", List.of("odd.js"), Action.ANALYZE, null));
    Files.writeString(workspace.resolve("odd.js"), "var s = 'a \u2028 b';\n");
    RenderedRun oddRun = new Renderer().render(
        RunSettings.builder("run-23", "registry.example/honest-worker:1.0").build(), odd, workspace);

    oddRun.writeTo(out);

    String written = Files.readString(out.resolve("orchestrator-configmap.yaml"));
    assertThat(written).contains("k8s-worker-1-files-1");
    List<Object> documents = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(written).forEach(documents::add);
    assertThat(documents).hasSize(2);
    assertThat(written.chars().filter(c -> c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029))
        .as("characters YAML does not allow raw, or reads as line breaks").isEmpty();
    assertThat(load("orchestrator-configmap.yaml")).containsExactlyElementsOf(oddRun.configMaps());
  }

  /**
   * U+FFFE and U+FFFF are valid UTF-8 text but outside YAML's printable set, as the C1 controls are:
   * a task's text holding one (pasted from a Unicode library's test) is written escaped too.
   */
  @Test
  void taskTextWithNoncharactersYamlDoesNotAllowIsWrittenEscapedAndLoadsBackUnchanged() throws Exception {
    List<TaskSpec> odd = List.of(new TaskSpec("T-1", "Noncharacters \uffff and \ufffe", "", Priority.HIGH, "", "",
        List.of("nonchar.js"), Action.ANALYZE, null));
    Files.writeString(workspace.resolve("nonchar.js"), "var s = 'a \uffff b \ufffe c';\n");
    RenderedRun oddRun = new Renderer().render(
        RunSettings.builder("run-24", "registry.example/honest-worker:1.0").build(), odd, workspace);

    oddRun.writeTo(out);

    String written = Files.readString(out.resolve("orchestrator-configmap.yaml"));
    List<Object> documents = new ArrayList<>();
    new Load(LoadSettings.builder().build()).loadAllFromString(written).forEach(documents::add);
    assertThat(documents).hasSize(2);
    assertThat(load("orchestrator-configmap.yaml")).containsExactlyElementsOf(oddRun.configMaps());
  }

  private List<HasMetadata> load(String file) throws IOException {
    try (InputStream in = Files.newInputStream(out.resolve(file))) {
      return client.load(in).items();
    }
  }

  private static String json(HasMetadata object) {
    return Manifests.SERIALIZATION.asJson(object);
  }

  /** Drops what the API server adds on create, so that the rest compares with what was sent. */
  private static HasMetadata withoutServerFields(HasMetadata stored) {
    ObjectMeta m = stored.getMetadata();
    m.setResourceVersion(null);
    m.setUid(null);
    m.setCreationTimestamp(null);
    m.setGeneration(null);
    m.setManagedFields(null);
    if (stored instanceof Namespace ns) {
      ns.setStatus(null);
    }
    return stored;
  }
}

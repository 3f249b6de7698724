package dev.honest.launcher.render;

import static dev.honest.launcher.TestTasks.general;
import static dev.honest.launcher.TestTasks.mixed;
import static dev.honest.launcher.TestTasks.withFiles;
import static dev.honest.launcher.TestTasks.writeText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.GenerationOptions;
import dev.honest.common.config.WorkerConfig;
import dev.honest.common.json.Json;
import dev.honest.common.task.Priority;
import dev.honest.common.task.TaskSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RendererTest {
  private static final String WORKER_IMAGE = "registry.example/honest-worker:1.0";

  @TempDir Path workspace;

  private final Renderer renderer = new Renderer();

  private RenderedRun renderMixed(RunSettings settings) throws RenderException {
    return renderer.render(settings, mixed(workspace, 71, 5), workspace);
  }

  private static RunSettings.Builder settings() {
    return RunSettings.builder("run-5", WORKER_IMAGE);
  }

  @Test
  void theNamespaceIsLabelledForZeroSimulationAndRestrictedPodSecurity() throws RenderException {
    RenderedRun run = renderMixed(settings().build());

    assertThat(run.namespace().getMetadata().getName()).isEqualTo("honest-orchestration");
    assertThat(run.namespace().getMetadata().getLabels()).contains(
        Map.entry("honest.dev/zero-simulation", "true"),
        Map.entry("pod-security.kubernetes.io/enforce", "restricted"),
        Map.entry("pod-security.kubernetes.io/enforce-version", "latest"),
        Map.entry("pod-security.kubernetes.io/warn", "restricted"),
        Map.entry("pod-security.kubernetes.io/warn-version", "latest"),
        Map.entry("pod-security.kubernetes.io/audit", "restricted"),
        Map.entry("pod-security.kubernetes.io/audit-version", "latest"));
  }

  @Test
  void everyPodAndContainerMeetsTheRestrictedPodSecurityStandard() throws RenderException {
    RenderedRun run = renderMixed(settings().build());
    List<PodSpec> pods = new ArrayList<>();
    pods.add(run.deployment().getSpec().getTemplate().getSpec());
    run.jobs().forEach(j -> pods.add(j.getSpec().getTemplate().getSpec()));

    assertThat(pods).hasSize(13).allSatisfy(pod -> {
      PodSecurityContext psc = pod.getSecurityContext();
      assertThat(psc.getRunAsNonRoot()).isTrue();
      assertThat(psc.getRunAsUser()).isEqualTo(10001L);
      assertThat(psc.getFsGroup()).isEqualTo(10001L);
      assertThat(psc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(pod.getEnableServiceLinks()).isFalse();
      assertThat(pod.getHostNetwork()).isNull();
      assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
      List<Container> containers = new ArrayList<>(pod.getContainers());
      containers.addAll(pod.getInitContainers());
      assertThat(containers).isNotEmpty().allSatisfy(c -> {
        SecurityContext sc = c.getSecurityContext();
        assertThat(sc.getAllowPrivilegeEscalation()).as(c.getName()).isFalse();
        assertThat(sc.getRunAsNonRoot()).as(c.getName()).isTrue();
        assertThat(sc.getReadOnlyRootFilesystem()).as(c.getName()).isTrue();
        assertThat(sc.getPrivileged()).as(c.getName()).isNull();
        assertThat(sc.getCapabilities().getDrop()).as(c.getName()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).as(c.getName()).isEmpty();
        assertThat(sc.getSeccompProfile().getType()).as(c.getName()).isEqualTo("RuntimeDefault");
        assertThat(c.getResources().getRequests()).as(c.getName()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(c.getName()).containsKeys("cpu", "memory");
        assertThat(c.getVolumeMounts()).as(c.getName()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
      });
    });
  }

  @Test
  void onlyTheWorkersGetAServiceAccountTokenAndItMayOnlyCreateAndGetLeases() throws RenderException {
    RenderedRun run = renderer.render(settings().namespace("review-7").build(), mixed(workspace, 20, 1), workspace);

    PodSpec ollama = run.deployment().getSpec().getTemplate().getSpec();
    assertThat(ollama.getAutomountServiceAccountToken()).isFalse();
    assertThat(ollama.getServiceAccountName()).isNull();
    assertThat(run.jobs()).isNotEmpty().allSatisfy(job -> {
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      assertThat(pod.getServiceAccountName()).isEqualTo("honest-worker");
      assertThat(pod.getAutomountServiceAccountToken()).isTrue();
      assertThat(values(pod.getContainers().get(0))).containsEntry("HONEST_LEASE_CLAIMS", "true");
    });

    assertThat(run.workerAccess()).extracting(HasMetadata::getKind)
        .containsExactly("ServiceAccount", "Role", "RoleBinding");
    assertThat(run.workerAccess()).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("review-7"));
    ServiceAccount account = (ServiceAccount) run.workerAccess().get(0);
    assertThat(account.getMetadata().getName()).isEqualTo("honest-worker");
    assertThat(account.getAutomountServiceAccountToken()).isFalse();
    Role role = (Role) run.workerAccess().get(1);
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(rule.getResources()).containsExactly("leases");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "get");
      assertThat(rule.getResourceNames()).isEmpty();
    });
    RoleBinding binding = (RoleBinding) run.workerAccess().get(2);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
      assertThat(subject.getKind()).isEqualTo("ServiceAccount");
      assertThat(subject.getName()).isEqualTo("honest-worker");
      assertThat(subject.getNamespace()).isEqualTo("review-7");
    });
    assertThat(run.namespacedObjects()).containsSubsequence(account, role, binding, run.jobs().get(0));
  }

  @Test
  void workerJobsFailAtOnceOnFinalResultsOrBadInputAndRetryOtherFailures() throws RenderException {
    RenderedRun run = renderMixed(settings().jobActiveDeadlineSeconds(7200).build());

    assertThat(run.jobs()).hasSize(12).allSatisfy(job -> {
      assertThat(job.getSpec().getBackoffLimit()).isEqualTo(2);
      assertThat(job.getSpec().getPodReplacementPolicy()).isEqualTo("Failed");
      assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(7200L);
      assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
      List<PodFailurePolicyRule> rules = job.getSpec().getPodFailurePolicy().getRules();
      assertThat(rules).hasSize(3);
      assertThat(rules.get(0).getAction()).isEqualTo("Ignore");
      assertThat(rules.get(0).getOnPodConditions()).singleElement()
          .satisfies(c -> assertThat(c.getType()).isEqualTo("DisruptionTarget"));
      assertThat(rules.get(1).getAction()).isEqualTo("FailJob");
      assertThat(rules.get(1).getOnExitCodes().getContainerName()).isEqualTo("worker");
      assertThat(rules.get(1).getOnExitCodes().getOperator()).isEqualTo("In");
      assertThat(rules.get(1).getOnExitCodes().getValues()).containsExactly(1, 2);
      assertThat(rules.get(2).getAction()).isEqualTo("Count");
      assertThat(rules.get(2).getOnExitCodes().getValues()).containsExactly(3, 4);
    });
  }

  @Test
  void eachWorkerJobIsNumberedLabelledAndGivenItsEnvironment() throws RenderException {
    RenderedRun run = renderMixed(settings().build());

    for (int n = 1; n <= 12; n++) {
      Job job = run.jobs().get(n - 1);
      assertThat(job.getMetadata().getName()).isEqualTo("k8s-worker-" + n);
      assertThat(job.getMetadata().getNamespace()).isEqualTo("honest-orchestration");
      Map<String, String> expected = Map.of(
          "app.kubernetes.io/name", "honest-worker",
          "app.kubernetes.io/instance", "run-5",
          "app.kubernetes.io/part-of", "honest-orchestration",
          "honest.dev/worker-index", String.valueOf(n),
          "honest.dev/worker-name", run.plan().workers().get(n - 1).name());
      assertThat(job.getMetadata().getLabels()).containsAllEntriesOf(expected);
      assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(expected);

      Container worker = job.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(worker.getImage()).isEqualTo(WORKER_IMAGE);
      assertThat(values(worker)).contains(
          Map.entry("HONEST_WORKER_INDEX", String.valueOf(n)),
          Map.entry("HONEST_CONFIG_DIR", "/etc/honest/config"),
          Map.entry("HONEST_WORKSPACE", "/workspace"),
          Map.entry("HONEST_SIGNING_KEY", "/etc/honest/signing/key.pem"));
      assertThat(fieldRef(worker, "HONEST_POD_NAME")).isEqualTo("metadata.name");
      assertThat(fieldRef(worker, "HONEST_NODE_NAME")).isEqualTo("spec.nodeName");
      assertThat(worker.getVolumeMounts()).extracting(m -> m.getName() + "=" + m.getMountPath())
          .contains("config=/etc/honest/config", "workspace=/workspace", "tmp=/tmp", "signing-key=/etc/honest/signing");
      assertThat(worker.getVolumeMounts()).filteredOn(m -> m.getName().equals("signing-key"))
          .singleElement().satisfies(m -> assertThat(m.getReadOnly()).isTrue());
      Volume signing = volume(job, "signing-key");
      assertThat(signing.getSecret().getSecretName()).isEqualTo("honest-signing-key");
      assertThat(signing.getSecret().getDefaultMode()).as("0400").isEqualTo(0400);
      assertThat(signing.getSecret().getItems()).extracting(i -> i.getKey() + "=" + i.getPath())
          .containsExactly("key.pem=key.pem");
      Volume config = volume(job, "config");
      assertThat(config.getConfigMap().getName()).isEqualTo("orchestrator-config");
      assertThat(volume(job, "workspace").getProjected().getSources())
          .extracting(s -> s.getConfigMap().getName())
          .allMatch(name -> name.startsWith(job.getMetadata().getName() + "-files-"));
    }
  }

  @Test
  void aWorkerWithoutFilesGetsAnEmptyWorkspaceDirectory() throws RenderException {
    RenderedRun run = renderer.render(settings().build(), List.of(general("g", Priority.LOW, "", "")), workspace);

    Job job = run.jobs().get(0);
    assertThat(volume(job, "workspace").getEmptyDir()).isNotNull();
    assertThat(volume(job, "workspace").getProjected()).isNull();
    assertThat(run.configMaps()).extracting(c -> c.getMetadata().getName()).containsExactly("orchestrator-config");
  }

  @Test
  void ollamaKeepsBothModelsLoadedWithTheWorkersContextAndASlotPerWorker() throws RenderException {
    GenerationOptions options = new GenerationOptions(0, 7, 4096, 1024, null);
    RenderedRun run = renderMixed(settings().options(options).llmReplicas(3).build());

    assertThat(run.deployment().getSpec().getReplicas()).isEqualTo(3);
    Container ollama = run.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(values(ollama)).contains(
        Map.entry("OLLAMA_KEEP_ALIVE", "-1"),
        Map.entry("OLLAMA_CONTEXT_LENGTH", "4096"),
        Map.entry("OLLAMA_NUM_PARALLEL", "4"),
        Map.entry("OLLAMA_MAX_LOADED_MODELS", "2"),
        Map.entry("OLLAMA_HOST", "0.0.0.0:11434"),
        Map.entry("HOME", "/var/lib/ollama/home"),
        Map.entry("OLLAMA_MODELS", "/var/lib/ollama/models"));
    assertThat(ollama.getImage()).isEqualTo("ollama/ollama:0.32.15");
    assertThat(ollama.getVolumeMounts()).extracting(m -> m.getMountPath())
        .contains("/var/lib/ollama/home", "/var/lib/ollama/models");
  }

  /**
   * A run whose Ollama template differs from the last one's (other models, context, CPUs) replaces
   * the pods. A rolling update would first start one more replica, which a cluster with room for
   * exactly --llm-replicas cannot schedule (the rollout then waits forever), and which cannot mount
   * a ReadWriteOnce model cache held by the old pod on another node. The old pods serve no one:
   * an earlier run's Jobs are gone before a new run applies.
   */
  @Test
  void aChangedOllamaTemplateReplacesThePodsWithoutNeedingRoomForOneMore() throws RenderException {
    RenderedRun run = renderMixed(settings().llmReplicas(3).build());

    assertThat(run.deployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(Manifests.ollamaDeployment().getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  /**
   * Replicas share a --model-cache-pvc. An Ollama server that starts (each replica's init container
   * and server) deletes, unless OLLAMA_NOPRUNE is set, every blob no manifest names yet: partial
   * downloads, and whole layers a pull has written before its manifest, which is what another
   * replica's pull in progress looks like (Ollama's server/images.go PruneLayers; later versions
   * spare blobs younger than an hour for this reason).
   */
  @Test
  void noReplicaPrunesTheModelsAnotherIsPullingIntoASharedCache() throws RenderException {
    RenderedRun run = renderMixed(settings().modelCachePvc("ollama-models").llmReplicas(3).build());

    PodSpec pod = run.deployment().getSpec().getTemplate().getSpec();
    for (Container c : List.of(pod.getInitContainers().get(0), pod.getContainers().get(0))) {
      assertThat(values(c)).as(c.getName()).contains(Map.entry("OLLAMA_NOPRUNE", "1"));
    }
  }

  @Test
  void numParallelIsWorkersPerReplicaRoundedUpWithinOneToFour() {
    assertThat(OllamaManifests.numParallel(12, 3)).isEqualTo(4);
    assertThat(OllamaManifests.numParallel(7, 3)).isEqualTo(3);
    assertThat(OllamaManifests.numParallel(2, 3)).isEqualTo(1);
    assertThat(OllamaManifests.numParallel(12, 1)).isEqualTo(4);
  }

  @Test
  void workerThreadsMatchTheOllamaCpuLimit() throws RenderException {
    RunSettings settings = settings()
        .ollamaResources(new RunSettings.Resources("2", "6500m", "16Gi", "24Gi"))
        .options(new GenerationOptions(0, 7, 8192, 2048, 32))
        .build();

    RenderedRun run = renderMixed(settings);

    assertThat(run.workerConfig().options().numThread()).isEqualTo(6);
    Container ollama = run.deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(ollama.getResources().getLimits().get("cpu")).isEqualTo(new Quantity("6500m"));
    assertThat(ollama.getResources().getRequests().get("memory")).isEqualTo(new Quantity("16Gi"));
  }

  @Test
  void modelsArePulledByAnInitContainerBeforeTheServerAndReadinessChecksBothModels() throws RenderException {
    RenderedRun run = renderMixed(settings().codeModel("codellama:13b").generalModel("llama3.1:70b").build());

    PodSpec pod = run.deployment().getSpec().getTemplate().getSpec();
    Container pull = pod.getInitContainers().get(0);
    assertThat(pull.getName()).isEqualTo("pull-models");
    assertThat(pull.getCommand()).startsWith("/bin/sh", "-c");
    assertThat(pull.getCommand().get(2)).contains("ollama serve", "ollama list", "ollama pull", "exit 1");
    assertThat(pod.getContainers().get(0).getLifecycle()).isNull();
    for (Container c : List.of(pull, pod.getContainers().get(0))) {
      assertThat(values(c)).contains(
          Map.entry("HONEST_CODE_MODEL", "codellama:13b"), Map.entry("HONEST_GENERAL_MODEL", "llama3.1:70b"));
      assertThat(c.getVolumeMounts()).extracting(m -> m.getName()).contains("ollama-models", "ollama-home");
    }
    List<String> probe = pod.getContainers().get(0).getReadinessProbe().getExec().getCommand();
    assertThat(String.join(" ", probe))
        .contains("for m in \"$HONEST_CODE_MODEL\" \"$HONEST_GENERAL_MODEL\" $HONEST_TASK_MODELS", "ollama show \"$m\"");
  }

  @Test
  void aModelCachePvcReplacesTheEmptyDirAndGpusAreRequestedAndTolerated() throws RenderException {
    RenderedRun run = renderMixed(settings().modelCachePvc("ollama-models").gpuCount(1).build());

    PodSpec pod = run.deployment().getSpec().getTemplate().getSpec();
    Volume models = pod.getVolumes().stream().filter(v -> v.getName().equals("ollama-models")).findFirst().orElseThrow();
    assertThat(models.getPersistentVolumeClaim().getClaimName()).isEqualTo("ollama-models");
    assertThat(models.getEmptyDir()).isNull();
    assertThat(pod.getContainers().get(0).getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
    assertThat(pod.getTolerations()).anySatisfy(t -> {
      assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getEffect()).isEqualTo("NoSchedule");
    });
  }

  @Test
  void withoutPvcOrGpuTheModelsLiveInAnEmptyDirAndNoGpuIsAsked() throws RenderException {
    RenderedRun run = renderMixed(settings().build());

    PodSpec pod = run.deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals("ollama-models"))
        .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
    assertThat(pod.getContainers().get(0).getResources().getLimits()).doesNotContainKey("nvidia.com/gpu");
    assertThat(pod.getTolerations()).isEmpty();
  }

  @Test
  void theServiceIsAClusterIpOnPort11434SelectingTheOllamaPods() throws RenderException {
    RenderedRun run = renderMixed(settings().build());

    assertThat(run.service().getMetadata().getName()).isEqualTo("ollama-llm-service");
    assertThat(run.service().getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(run.service().getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(11434);
      assertThat(p.getTargetPort().getIntVal()).isEqualTo(11434);
    });
    assertThat(run.deployment().getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(run.service().getSpec().getSelector());
  }

  @Test
  void theWorkersResolveAHeadlessServiceOfTheOllamaPodsToSpreadTheirRequests() throws RenderException {
    RenderedRun run = renderer.render(settings().namespace("review-7").build(), mixed(workspace, 20, 1), workspace);

    Service pods = run.podsService();
    assertThat(pods.getMetadata().getName()).isEqualTo("ollama-llm-pods");
    assertThat(pods.getMetadata().getNamespace()).isEqualTo("review-7");
    assertThat(pods.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(pods.getSpec().getPublishNotReadyAddresses()).isNull();
    assertThat(pods.getSpec().getSelector()).isEqualTo(run.service().getSpec().getSelector());
    assertThat(run.deployment().getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pods.getSpec().getSelector());
    assertThat(pods.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(11434);
      assertThat(p.getTargetPort().getIntVal()).isEqualTo(11434);
    });
    assertThat(run.workerConfig().llmUrls()).containsExactly("http://ollama-llm-pods.review-7.svc.cluster.local:11434");
    assertThat(run.workerConfig().llmResolveAll()).isTrue();
    assertThat(run.namespacedObjects()).contains(run.service(), pods);
  }

  @Test
  void orchestratorConfigHoldsExactlyTheBytesTheWorkerReads() throws RenderException {
    List<TaskSpec> tasks = mixed(workspace, 71, 5);
    RenderedRun run = renderer.render(settings().namespace("review-7").build(), tasks, workspace);

    ConfigMap config = run.configMaps().get(0);
    assertThat(config.getMetadata().getName()).isEqualTo("orchestrator-config");
    assertThat(config.getMetadata().getNamespace()).isEqualTo("review-7");
    assertThat(config.getData()).containsOnlyKeys("config.json", "tasks.json", "plan.json");
    assertThat(config.getData().get("config.json")).isEqualTo(ConfigLayout.toJson(run.workerConfig()));
    assertThat(config.getData().get("tasks.json")).isEqualTo(ConfigLayout.toJson(tasks));
    assertThat(config.getData().get("plan.json")).isEqualTo(ConfigLayout.toJson(run.plan()));

    WorkerConfig read = Json.mapper().readValue(config.getData().get("config.json"), WorkerConfig.class);
    assertThat(read.llmUrls()).containsExactly("http://ollama-llm-pods.review-7.svc.cluster.local:11434");
    assertThat(read.llmResolveAll()).isTrue();
    assertThat(read.codeModel()).isEqualTo("codellama:7b");
    assertThat(read.generalModel()).isEqualTo("llama3.1:8b");
    assertThat(read.zeroSimulation()).isTrue();
    assertThat(read.keepAlive()).isEqualTo("-1m");
    assertThat(read.options().numThread()).isEqualTo(4);
  }

  @Test
  void allObjectsOfTheRunAreInItsNamespace() throws RenderException {
    RenderedRun run = renderer.render(settings().namespace("review-7").build(), mixed(workspace, 20, 1), workspace);

    assertThat(run.namespace().getMetadata().getName()).isEqualTo("review-7");
    assertThat(run.namespacedObjects()).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("review-7"));
  }

  @Test
  void aMissingTaskFileIsARenderErrorNamingIt() {
    List<TaskSpec> tasks = List.of(withFiles("t1", Priority.HIGH, "", "", "src/missing.py"));

    assertThatThrownBy(() -> renderer.render(settings().build(), tasks, workspace))
        .isInstanceOf(RenderException.class)
        .hasMessageContaining("src/missing.py");
  }

  @Test
  void networkPoliciesDenyEverythingButWorkersToOllamaDnsAndModelPulls() throws RenderException {
    writeText(workspace, "a.py", 10);
    RenderedRun run = renderer.render(settings().build(), List.of(withFiles("t", Priority.LOW, "", "", "a.py")), workspace);
    Map<String, NetworkPolicy> byName = run.networkPolicies().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p));

    NetworkPolicy deny = byName.get("default-deny-all");
    assertThat(deny.getSpec().getPodSelector().getMatchLabels()).isEmpty();
    assertThat(deny.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
    assertThat(deny.getSpec().getIngress()).isEmpty();
    assertThat(deny.getSpec().getEgress()).isEmpty();

    NetworkPolicy worker = byName.get("honest-worker-egress");
    assertThat(worker.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "honest-worker");
    assertThat(worker.getSpec().getEgress()).hasSize(2);
    assertThat(worker.getSpec().getEgress().get(0).getTo()).singleElement()
        .satisfies(p -> assertThat(p.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "ollama"));
    assertThat(worker.getSpec().getEgress().get(0).getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactly("TCP/11434");
    assertThat(worker.getSpec().getEgress().get(1).getTo()).singleElement().satisfies(p -> {
      assertThat(p.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "kube-system");
      assertThat(p.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
    });
    assertThat(worker.getSpec().getEgress().get(1).getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactlyInAnyOrder("UDP/53", "TCP/53");

    NetworkPolicy api = byName.get("honest-worker-egress-api-server");
    assertThat(api.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "honest-worker");
    assertThat(api.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(api.getSpec().getEgress()).singleElement().satisfies(r -> {
      assertThat(r.getTo()).isEmpty();
      assertThat(r.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
          .containsExactly("TCP/443", "TCP/6443");
    });

    NetworkPolicy ingress = byName.get("ollama-ingress-from-workers");
    assertThat(ingress.getSpec().getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "ollama");
    assertThat(ingress.getSpec().getIngress()).singleElement().satisfies(r -> {
      assertThat(r.getFrom()).singleElement().satisfies(
          p -> assertThat(p.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "honest-worker"));
      assertThat(r.getPorts()).extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal()).containsExactly("TCP/11434");
    });

    NetworkPolicy pulls = byName.get("ollama-egress-model-pulls");
    assertThat(pulls.getSpec().getPolicyTypes()).containsExactly("Egress");
    assertThat(pulls.getSpec().getEgress()).flatExtracting(r -> r.getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactlyInAnyOrder("TCP/443", "UDP/53", "TCP/53");
  }

  private static Map<String, String> values(Container c) {
    return c.getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  private static String fieldRef(Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow()
        .getValueFrom().getFieldRef().getFieldPath();
  }

  private static Volume volume(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
  }
}

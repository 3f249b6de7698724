package dev.honest.launcher.render;

import dev.honest.common.config.ConfigLayout;
import dev.honest.common.config.Plan;
import dev.honest.common.config.WorkerConfig;
import dev.honest.launcher.results.ResultsFiles;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Every Kubernetes object of a run, plus the plan and the worker configuration they carry.
 *
 * @param namespace the run namespace (cluster-scoped)
 * @param deployment Ollama
 * @param service {@code ollama-llm-service}
 * @param podsService {@code ollama-llm-pods}, headless: the workers' address of every Ollama pod
 * @param configMaps {@code orchestrator-config} first, then each worker's file ConfigMaps
 * @param jobs {@code k8s-worker-1..N}, in worker order
 * @param networkPolicies default deny, then what is allowed
 * @param workerAccess the workers' ServiceAccount, Role and RoleBinding (create and get on Leases)
 * @param plan which worker runs which tasks
 * @param workerConfig the {@code config.json} inside {@code orchestrator-config}
 */
public record RenderedRun(
    Namespace namespace,
    Deployment deployment,
    Service service,
    Service podsService,
    List<ConfigMap> configMaps,
    List<Job> jobs,
    List<NetworkPolicy> networkPolicies,
    List<HasMetadata> workerAccess,
    Plan plan,
    WorkerConfig workerConfig) {

  public static final String NAMESPACE_FILE = "k8s-namespace.yaml";
  public static final String DEPLOYMENT_FILE = "ollama-deployment.yaml";
  public static final String SERVICE_FILE = "ollama-service.yaml";
  public static final String PODS_SERVICE_FILE = "ollama-pods-service.yaml";
  public static final String CONFIG_MAPS_FILE = "orchestrator-configmap.yaml";
  public static final String NETWORK_POLICIES_FILE = "k8s-networkpolicy.yaml";
  /** Before the Job files in name order: a pod of a missing ServiceAccount is not created. */
  public static final String WORKER_ACCESS_FILE = "k8s-rbac.yaml";
  public static final String PLAN_FILE = "plan.json";
  /** A Job file as {@link #jobFile} names it. */
  private static final Pattern EARLIER_JOB_FILE = Pattern.compile("k8s-worker-[0-9]+-job\\.yaml");

  public RenderedRun {
    configMaps = List.copyOf(configMaps);
    jobs = List.copyOf(jobs);
    networkPolicies = List.copyOf(networkPolicies);
    workerAccess = List.copyOf(workerAccess);
  }

  /** The same run with another Ollama Deployment (the one already applied, for {@code run --resume}). */
  public RenderedRun withDeployment(Deployment other) {
    return new RenderedRun(namespace, other, service, podsService, configMaps, jobs, networkPolicies, workerAccess,
        plan, workerConfig);
  }

  /** The file of worker {@code index}'s Job: {@code k8s-worker-N-job.yaml}. */
  public static String jobFile(int index) {
    return "k8s-worker-" + index + "-job.yaml";
  }

  /**
   * The namespaced objects in the order to apply them: network policies before any pod, the
   * workers' ServiceAccount and Role and ConfigMaps before the pods that use them, Ollama before
   * the workers. The namespace itself is {@link #namespace()}, applied first and on its own.
   */
  public List<HasMetadata> namespacedObjects() {
    List<HasMetadata> objects = new ArrayList<>(networkPolicies);
    objects.addAll(workerAccess);
    objects.addAll(configMaps);
    objects.add(service);
    objects.add(podsService);
    objects.add(deployment);
    objects.addAll(jobs);
    return objects;
  }

  /**
   * Writes the manifests (YAML through fabric8's serialization; several objects in one file are
   * separate documents; the ConfigMaps as JSON documents, which are YAML too) and {@code plan.json}
   * into {@code outputDir}, creating it. Job files {@code k8s-worker-N-job.yaml} an earlier run left
   * there for workers this run does not have are removed: {@code kubectl apply -f} of the directory
   * would start them.
   *
   * @return how many manifest files were written ({@code plan.json} not counted)
   */
  public int writeTo(Path outputDir) throws IOException {
    Map<String, List<? extends HasMetadata>> manifests = new LinkedHashMap<>();
    manifests.put(NAMESPACE_FILE, List.of(namespace));
    manifests.put(DEPLOYMENT_FILE, List.of(deployment));
    manifests.put(SERVICE_FILE, List.of(service));
    manifests.put(PODS_SERVICE_FILE, List.of(podsService));
    manifests.put(CONFIG_MAPS_FILE, configMaps);
    for (int i = 0; i < jobs.size(); i++) {
      manifests.put(jobFile(plan.workers().get(i).index()), List.of(jobs.get(i)));
    }
    manifests.put(NETWORK_POLICIES_FILE, networkPolicies);
    manifests.put(WORKER_ACCESS_FILE, workerAccess);
    Files.createDirectories(outputDir);
    removeJobFiles(outputDir, manifests.keySet());
    for (Map.Entry<String, List<? extends HasMetadata>> file : manifests.entrySet()) {
      // The ConfigMaps' data is JSON text of up to 1 MiB a value: the YAML emitter takes seconds over it in
      // a large run, Jackson milliseconds. kubectl reads a JSON document in a YAML stream as any other.
      write(outputDir.resolve(file.getKey()), file.getValue(), file.getKey().equals(CONFIG_MAPS_FILE));
    }
    ResultsFiles.writeAtomically(outputDir.resolve(PLAN_FILE), ConfigLayout.toJson(plan));
    return manifests.size();
  }

  /**
   * Removes the Job files {@code k8s-worker-N-job.yaml} in {@code outputDir} other than {@code keep}:
   * those an earlier run left for workers this one does not have ({@code kubectl apply -f} of the
   * directory would start them). A run with nothing to run (every task carried over by {@code
   * --resume}) keeps none.
   */
  public static void removeJobFiles(Path outputDir, Collection<String> keep) throws IOException {
    if (!Files.isDirectory(outputDir)) {
      return;
    }
    try (DirectoryStream<Path> earlier = Files.newDirectoryStream(outputDir, "k8s-worker-*-job.yaml")) {
      for (Path file : earlier) {
        String name = file.getFileName().toString();
        if (EARLIER_JOB_FILE.matcher(name).matches() && !keep.contains(name)) {
          Files.delete(file);
        }
      }
    }
  }

  /**
   * A JSON document as YAML reads it back unchanged: the characters JSON writes raw but YAML does not
   * allow raw (DEL, the C1 controls a spreadsheet's mis-decoded quotes become, the noncharacters
   * U+FFFE and U+FFFF, which are valid UTF-8 but outside YAML's printable set) or, in YAML 1.1 as
   * kubectl reads it, takes as line breaks (U+0085, U+2028, U+2029) are written as JSON escapes (a
   * backslash, u and four hex digits), which mean the same in JSON and YAML. Outside strings a JSON
   * document is ASCII, so only text inside strings changes: a task's text, a workspace file's.
   */
  static String yamlSafe(String json) {
    StringBuilder out = null;
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      boolean escape = c >= 0x7f && c <= 0x9f || c == 0x2028 || c == 0x2029 || c == 0xfffe || c == 0xffff;
      if (escape && out == null) {
        out = new StringBuilder(json.length() + 16).append(json, 0, i);
      }
      if (escape) {
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? json : out.toString();
  }

  /** One document at a time: a large run's ConfigMaps are tens of MB of YAML together. */
  private static void write(Path file, List<? extends HasMetadata> objects, boolean json) throws IOException {
    ResultsFiles.writeAtomically(file, out -> {
      Writer yaml = new OutputStreamWriter(out, StandardCharsets.UTF_8);
      for (HasMetadata object : objects) {
        String document = json ? yamlSafe(Manifests.SERIALIZATION.asJson(object)) : Manifests.SERIALIZATION.asYaml(object);
        yaml.write(document.startsWith("---") ? "" : "---\n");
        yaml.write(document);
        if (!document.endsWith("\n")) {
          yaml.write('\n');
        }
      }
      yaml.flush();
    });
  }
}

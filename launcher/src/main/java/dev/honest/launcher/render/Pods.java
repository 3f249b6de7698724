package dev.honest.launcher.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small edits of the pod specs loaded from the templates. */
final class Pods {
  private Pods() {}

  static Container container(List<Container> containers, String name) {
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("template has no container '" + name + "'"));
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalStateException("template has no volume '" + name + "'"));
  }

  /** Sets a plain-valued variable, replacing the template's value or adding it. */
  static void setEnv(Container container, String name, String value) {
    for (EnvVar e : container.getEnv()) {
      if (e.getName().equals(name)) {
        e.setValue(value);
        return;
      }
    }
    container.getEnv().add(new EnvVarBuilder().withName(name).withValue(value).build());
  }

  static ResourceRequirements resources(RunSettings.Resources r) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity(r.cpuRequest()));
    requests.put("memory", new Quantity(r.memoryRequest()));
    Map<String, Quantity> limits = new LinkedHashMap<>();
    limits.put("cpu", new Quantity(r.cpuLimit()));
    limits.put("memory", new Quantity(r.memoryLimit()));
    ResourceRequirements requirements = new ResourceRequirements();
    requirements.setRequests(requests);
    requirements.setLimits(limits);
    return requirements;
  }
}

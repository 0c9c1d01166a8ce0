import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../../api/client";

export function useMembers(enabled = true) {
  return useQuery({
    queryKey: ["members"],
    queryFn: async () => unwrap(await api.GET("/api/v1/users")),
    enabled,
  });
}

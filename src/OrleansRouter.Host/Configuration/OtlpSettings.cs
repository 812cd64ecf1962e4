namespace OrleansRouter.Host.Configuration;

/// <param name="Endpoint">The collector's base URL; each signal goes to its path under it (<c>/v1/traces</c>) over http/protobuf.</param>
public sealed record OtlpSettings(Uri Endpoint, OtlpProtocol Protocol);

public enum OtlpProtocol
{
    HttpProtobuf,
    Grpc,
}
